import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EventStream, StreamItem } from './event-stream';
import { RealtimeMetrics } from './realtime-metrics';

/** A batch that could not be appended is retried this often while Redis is unreachable. */
const RETRY_MS = 1000;
/**
 * Past this age a batch is dropped: it would be trimmed from the stream at once, and every
 * client that could still care is told to resync by its own instance's outage handling.
 */
const GIVE_UP_MS = 10 * 60_000;
const LOG_INTERVAL_MS = 10_000;
/** How often a batch waiting for its predecessor (see `after`) looks again, and for how long. */
const ORDER_POLL_MS = 20;
const ORDER_MAX_WAIT_MS = 2000;

interface Pending {
  items: readonly StreamItem[];
  /** The de-duplication id of an item that must be appended first (by any process). */
  after?: string;
  since: number;
}

/**
 * Appends real-time events to the shared stream after the transactions that produced them have
 * committed (callers hand it batches from afterCommit). Batches go out in the order given, one
 * at a time, and a task event waits for the task's previous event even when another process
 * announces that one, so the events of one task keep their commit order; a batch that fails (Redis
 * down) is retried in the background and later batches wait behind it. Appending is
 * idempotent (see EventStream.append), so a retry after a timeout that did land adds nothing.
 * Not covered: a process killed between a commit and its append loses that announcement
 * (the data itself is committed; clients see it on their next reload).
 */
@Injectable()
export class RealtimePublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(RealtimePublisher.name);
  private readonly queue: Pending[] = [];
  private draining?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private lastLogAt = 0;

  constructor(
    private readonly stream: EventStream,
    private readonly metrics: RealtimeMetrics,
  ) {}

  /**
   * Resolves once this batch (and those before it) were appended, or a try failed. `after`:
   * the de-duplication id of an earlier announcement, possibly made by another process, that
   * must be in the stream first (the previous event of the same task); it is waited for up to
   * 2 s, then this one goes out anyway (the earlier one failed, or its mark expired).
   */
  publish(items: readonly StreamItem[], after?: string): Promise<void> {
    if (items.length > 0) this.queue.push({ items, after, since: Date.now() });
    return this.drain();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    // One last try for what is waiting; Redis may already be gone.
    await this.drain();
  }

  private drain(): Promise<void> {
    this.draining ??= this.drainQueue().finally(() => (this.draining = undefined));
    return this.draining;
  }

  private async drainQueue(): Promise<void> {
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (Date.now() - next.since > GIVE_UP_MS) {
        this.queue.shift();
        this.metrics.publishDropped(next.items.length);
        this.logger.error(`Dropped ${next.items.length} real-time events: Redis unreachable`);
        continue;
      }
      try {
        const waitFor = Date.now() - next.since < ORDER_MAX_WAIT_MS ? next.after : undefined;
        if ((await this.stream.append(next.items, waitFor)) === 'wait') {
          await new Promise((resolve) => setTimeout(resolve, ORDER_POLL_MS));
          continue;
        }
        this.queue.shift();
      } catch (error) {
        this.logFailure(error);
        this.retryTimer ??= setTimeout(() => {
          this.retryTimer = undefined;
          void this.drain();
        }, RETRY_MS);
        return;
      }
    }
  }

  private logFailure(error: unknown): void {
    const now = Date.now();
    if (now - this.lastLogAt < LOG_INTERVAL_MS) return;
    this.lastLogAt = now;
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(`Real-time events waiting (${this.queue.length} batches): ${reason}`);
  }
}
