import { Logger } from '@nestjs/common';
import type { JobName, JobPayloads } from './job-registry';
import type { JobsService } from './jobs.service';
import type { WorkerLoopInstance } from './worker-loop';

const BATCH_SIZE = 200;
const ERROR_BACKOFF_MS = 1000;
const LOG_INTERVAL_MS = 10_000;

/** Where a relay reads its outbox: the ids of committed rows not yet queued, and their mark. */
export interface OutboxSource {
  unpublished(limit: number): Promise<number[]>;
  markPublished(ids: number[]): Promise<void>;
}

/**
 * Moves committed rows of a MySQL outbox to the queue, oldest first, and marks them published,
 * so the write that made a row never depends on Redis: while Redis is down rows wait, and they
 * are queued once it is back. No database lock is held while Redis is called; instead queueing
 * is idempotent: each row's job id is deterministic (`jobIdOf`), so relays of several processes,
 * or a crash between queueing and marking, cannot queue a row twice while its job exists (its
 * handler must still skip a row it has handled). Subclasses are @WorkerLoop providers: they run
 * while this process's workers do.
 */
export abstract class OutboxRelay<N extends JobName> implements WorkerLoopInstance {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  private lastErrorLogAt = 0;

  protected constructor(
    private readonly what: string,
    private readonly source: OutboxSource,
    private readonly jobs: JobsService,
    private readonly job: N,
    private readonly idlePollMs: number,
  ) {
    this.logger = new Logger(`${what} relay`);
  }

  /** The job of one row, and its deterministic id. */
  protected abstract jobOf(id: number): { payload: JobPayloads[N]; jobId: string };

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

  /** Queues until the outbox is empty; returns how many rows it queued. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await this.source.unpublished(BATCH_SIZE);
      if (ids.length === 0) return total;
      await this.jobs.enqueueMany(
        this.job,
        ids.map((id) => this.jobOf(id)),
      );
      await this.source.markPublished(ids);
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
      this.schedule(this.idlePollMs);
    } catch (error) {
      const now = Date.now();
      if (now - this.lastErrorLogAt >= LOG_INTERVAL_MS) {
        this.lastErrorLogAt = now;
        this.logger.warn(
          `${this.what} relay paused: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      this.schedule(ERROR_BACKOFF_MS);
    }
  }
}
