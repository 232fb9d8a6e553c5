import { SetMetadata } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { JobName, JobPayloads } from './job-registry';

export const JOB_HANDLER_KEY = 'jobs:handler';

/** Marks a provider as the handler of one registered job name. */
export const JobHandler = (name: JobName): ClassDecorator => SetMetadata(JOB_HANDLER_KEY, name);

export interface JobHandlerInstance<N extends JobName = JobName> {
  handle(job: Job<JobPayloads[N]>, token?: string): Promise<unknown>;
}

/**
 * A failure that no retry can fix (the target is gone, the input is invalid): the job is
 * failed at once with this reason instead of being retried.
 */
export class PermanentJobError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PermanentJobError';
  }
}
