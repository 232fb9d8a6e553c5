import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobsService, bounded } from '../jobs/jobs.service';
import { EXPORT_JOB_ID_PREFIX, ExportTasksPayload } from './export-job';
import { JobNotFoundError } from './export.errors';
import { JobResponseDto, JobState } from './dto/job-response.dto';

/** A job id we could have issued: anything else is answered 404 without asking Redis. */
const EXPORT_JOB_ID = /^export-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** BullMQ's states as the API shows them (`prioritized` and `waiting-children` are waiting). */
function publicState(state: string): JobState | null {
  switch (state) {
    case 'waiting':
    case 'prioritized':
    case 'waiting-children':
      return 'waiting';
    case 'delayed':
    case 'active':
    case 'completed':
    case 'failed':
      return state;
    default:
      // `unknown`: the job was removed between our two reads.
      return null;
  }
}

export interface OwnedJob {
  job: Job<ExportTasksPayload>;
  state: JobState;
}

/**
 * The job resource (`GET /jobs/{id}`): the caller's own jobs only. Another user's job and an
 * unknown id answer the same 404. Queue calls are bounded: with Redis down the answer is 503.
 */
@Injectable()
export class JobStatusService {
  constructor(private readonly jobs: JobsService) {}

  async get(userId: number, id: string): Promise<JobResponseDto> {
    const { job, state } = await this.findOwned(userId, id);
    const finished = state === 'completed' || state === 'failed';
    return {
      id,
      type: 'export',
      state,
      progress: progressOf(job.progress),
      attempts_made: job.attemptsMade,
      max_attempts: job.opts.attempts ?? 1,
      failed_reason: state === 'failed' ? job.failedReason || 'failed' : null,
      created_at: new Date(job.timestamp).toISOString(),
      finished_at: finished && job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    };
  }

  /** The caller's job and its state, or JobNotFoundError. */
  async findOwned(userId: number, id: string): Promise<OwnedJob> {
    if (!id.startsWith(EXPORT_JOB_ID_PREFIX) || !EXPORT_JOB_ID.test(id)) {
      throw new JobNotFoundError();
    }
    const job = (await this.jobs.getJob('exports', id)) as Job<ExportTasksPayload> | undefined;
    if (!job || job.data.userId !== userId) throw new JobNotFoundError();
    const state = publicState(await bounded(job.getState()));
    if (!state) throw new JobNotFoundError();
    return { job, state };
  }
}

/** BullMQ progress may be any JSON; the API shows a number from 0 to 100. */
function progressOf(progress: unknown): number {
  const value = typeof progress === 'number' && Number.isFinite(progress) ? progress : 0;
  return Math.min(100, Math.max(0, value));
}
