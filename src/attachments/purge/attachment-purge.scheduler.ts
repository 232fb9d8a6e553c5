import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { jobOptions } from '../../jobs/job-registry';
import { bounded, JobsService } from '../../jobs/jobs.service';
import { AppConfigType, InjectAppConfig } from '../../config/app-config';

/** How often every deleted task's attachments are looked for. */
export const PURGE_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

export const PURGE_SWEEP_SCHEDULER_ID = 'attachments-purge-sweep';

/**
 * Keeps one BullMQ job scheduler that queues the sweep (`attachments.purge` for every deleted
 * task) every hour: a project's deletion soft-deletes its tasks without an event per task, and
 * a purge that failed for good is caught up with. Every process upserts the same scheduler id,
 * so there is one schedule however many run; with Redis down the process starts all the same
 * and the next one to boot sets it.
 */
@Injectable()
export class AttachmentPurgeScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(AttachmentPurgeScheduler.name);

  constructor(
    private readonly jobs: JobsService,
    @InjectAppConfig() private readonly config: AppConfigType,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await bounded(
        this.jobs.queue('attachments').upsertJobScheduler(
          PURGE_SWEEP_SCHEDULER_ID,
          { every: PURGE_SWEEP_INTERVAL_MS },
          {
            name: 'attachments.purge',
            data: { taskId: null },
            opts: jobOptions('attachments.purge', this.config),
          },
        ),
      );
    } catch (error) {
      this.logger.warn(
        `The attachment purge schedule was not set: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
