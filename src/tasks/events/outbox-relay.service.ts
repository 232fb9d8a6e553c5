import { Injectable, Logger } from '@nestjs/common';
import { JobsService } from '../../jobs/jobs.service';
import { WorkerLoop, WorkerLoopInstance } from '../../jobs/worker-loop';
import { OutboxRepository } from './outbox.repository';

const BATCH_SIZE = 200;
const IDLE_POLL_MS = 200;
const ERROR_BACKOFF_MS = 1000;
const LOG_INTERVAL_MS = 10_000;

/**
 * Moves committed task events from the MySQL outbox to the queue, oldest first, and marks them
 * published. A task write therefore never depends on Redis: if Redis is down the rows wait and
 * are published once it is back. No database lock is held while Redis is called (a slow Redis
 * must never block task writes); instead publishing is idempotent: the job id `event-<id>` is
 * deterministic, so relays of several processes, or a crash between enqueueing and marking,
 * cannot queue an event twice while its job exists, and the dispatcher skips an event it has
 * already dispatched. It runs while this process's workers do (WorkerPoolService starts and
 * stops every @WorkerLoop).
 */
@Injectable()
@WorkerLoop()
export class OutboxRelayService implements WorkerLoopInstance {
  private readonly logger = new Logger(OutboxRelayService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  private lastErrorLogAt = 0;

  constructor(
    private readonly outbox: OutboxRepository,
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

  /** Publishes until the outbox is empty; returns how many events it published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await this.outbox.unpublished(BATCH_SIZE);
      if (ids.length === 0) return total;
      await this.jobs.enqueueMany(
        'events.dispatch',
        ids.map((eventId) => ({ payload: { eventId }, jobId: `event-${eventId}` })),
      );
      await this.outbox.markPublished(ids);
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
          `Outbox relay paused: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      this.schedule(ERROR_BACKOFF_MS);
    }
  }
}
