import { Injectable, Logger } from '@nestjs/common';
import { JobsService } from '../jobs/jobs.service';
import { WorkerLoop, WorkerLoopInstance } from '../jobs/worker-loop';
import { EmailMessagesRepository } from './email-messages.repository';

const BATCH_SIZE = 200;
const IDLE_POLL_MS = 250;
const ERROR_BACKOFF_MS = 1000;
const LOG_INTERVAL_MS = 10_000;

/**
 * Moves committed emails from `email_messages` to the `mail` queue, as the task event relay
 * (tasks/events/outbox-relay.service.ts) does for task events: the notification that causes an
 * email commits its row in the same transaction, so a Redis outage delays emails and loses
 * none. Publishing is idempotent (job id `email-<id>`, and a sent email is never sent again),
 * so relays of several processes, or a crash between enqueueing and marking, do no harm.
 */
@Injectable()
@WorkerLoop()
export class MailOutboxRelayService implements WorkerLoopInstance {
  private readonly logger = new Logger(MailOutboxRelayService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  private lastErrorLogAt = 0;

  constructor(
    private readonly messages: EmailMessagesRepository,
    private readonly jobs: JobsService,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Publishes until no email waits; returns how many it published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await this.messages.unpublished(BATCH_SIZE);
      if (ids.length === 0) return total;
      await this.jobs.enqueueMany(
        'mail.send',
        ids.map((emailId) => ({ payload: { emailId }, jobId: `email-${emailId}` })),
      );
      await this.messages.markPublished(ids, new Date());
      total += ids.length;
      if (ids.length < BATCH_SIZE || this.stopped) return total;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => (this.running = undefined));
    }, delayMs);
  }

  private async tick(): Promise<void> {
    try {
      await this.drain();
      this.schedule(IDLE_POLL_MS);
    } catch (error) {
      const now = Date.now();
      if (now - this.lastErrorLogAt >= LOG_INTERVAL_MS) {
        this.lastErrorLogAt = now;
        this.logger.warn(
          `Email relay paused: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      this.schedule(ERROR_BACKOFF_MS);
    }
  }
}
