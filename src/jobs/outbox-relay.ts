import { Logger } from '@nestjs/common';
import type { JobName, JobPayloads } from './job-registry';
import type { JobsService } from './jobs.service';
import type { OutboxWakeups } from './outbox-wakeups';
import type { WorkerLoopInstance } from './worker-loop';

const BATCH_SIZE = 200;
const ERROR_BACKOFF_MS = 1000;
const LOG_INTERVAL_MS = 10_000;
/**
 * Least time between the end of one drain and the start of a drain a wake-up asked for: under
 * a burst of writes the commits that arrive meanwhile are queued by one drain (two queries and
 * one Redis round trip) instead of one drain each.
 */
const WAKE_GAP_MS = 5;

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
 * while this process's workers do. A row whose job Redis loses after it was marked published is
 * handed back to the relay by its outbox's sweep (OutboxRedelivery).
 *
 * A relay polls every `idlePollMs`; given `wakeups`, it also drains as soon as a writer nudges it
 * after a commit (see OutboxWakeups), so a row waits a few milliseconds instead of up to a poll.
 */
export abstract class OutboxRelay<N extends JobName> implements WorkerLoopInstance {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  private lastErrorLogAt = 0;
  /** The pending timer is the idle poll (not an error back-off, nor a drain already due). */
  private idle = false;
  /** A wake-up came during a drain: rows committed after its query may be waiting. */
  private wokenWhileRunning = false;
  private lastDrainEndedAt = 0;

  protected constructor(
    private readonly what: string,
    private readonly source: OutboxSource,
    private readonly jobs: JobsService,
    private readonly job: N,
    private readonly idlePollMs: number,
    private readonly wakeups?: { hub: OutboxWakeups; name: string },
  ) {
    this.logger = new Logger(`${what} relay`);
  }

  /** The job of one row, and its deterministic id. */
  protected abstract jobOf(id: number): { payload: JobPayloads[N]; jobId: string };

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.wakeups?.hub.listen(this.wakeups.name, () => this.wake());
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeups?.hub.unlisten(this.wakeups.name);
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Rows were committed: drain now rather than at the next poll. During a drain, another one
   * follows it; during an error back-off nothing changes (the queue or MySQL is failing).
   */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wokenWhileRunning = true;
      return;
    }
    if (!this.idle) return;
    this.idle = false;
    clearTimeout(this.timer);
    this.schedule(Math.max(0, this.lastDrainEndedAt + WAKE_GAP_MS - Date.now()));
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

  private schedule(delayMs: number, idle = false): void {
    if (this.stopped) return;
    this.idle = idle;
    this.timer = setTimeout(() => {
      this.idle = false;
      this.running = this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    this.wokenWhileRunning = false;
    try {
      await this.drain();
      this.lastDrainEndedAt = Date.now();
      // Cleared here, not in a later `finally`: a wake-up between the two would be lost.
      this.running = undefined;
      if (this.wokenWhileRunning) this.schedule(WAKE_GAP_MS);
      else this.schedule(this.idlePollMs, true);
    } catch (error) {
      this.running = undefined;
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
