import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobHandler, JobHandlerInstance, PermanentJobError } from '../../jobs/job-handler';
import type { JobPayloads } from '../../jobs/job-registry';
import { AttachmentsService } from '../attachments.service';

declare module '../../jobs/job-registry' {
  interface JobPayloads {
    /** Remove the stored bytes and rows of attachments of deleted tasks: one task, or all (null). */
    'attachments.purge': { taskId: number | null };
  }
}

/**
 * Removes the bytes and rows of attachments of deleted tasks: of one task (queued when it is
 * deleted), or of every deleted task (the periodic sweep, which also covers tasks deleted with
 * their project). Idempotent: a repeat finds nothing left, and a storage failure is retried.
 */
@Injectable()
@JobHandler('attachments.purge')
export class AttachmentPurgeHandler implements JobHandlerInstance<'attachments.purge'> {
  private readonly logger = new Logger(AttachmentPurgeHandler.name);

  constructor(private readonly attachments: AttachmentsService) {}

  async handle(job: Job<JobPayloads['attachments.purge']>): Promise<{ purged: number }> {
    const { taskId } = job.data;
    if (taskId !== null && !Number.isInteger(taskId)) {
      throw new PermanentJobError(`invalid purge payload ${JSON.stringify(job.data)}`);
    }
    const purged =
      taskId === null
        ? await this.attachments.purgeDeletedTasks()
        : await this.attachments.purgeTask(taskId);
    if (purged > 0) this.logger.log({ taskId, purged }, 'Attachments of deleted tasks purged');
    return { purged };
  }
}
