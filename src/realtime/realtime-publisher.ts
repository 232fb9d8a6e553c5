import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EventStream, StreamItem } from './event-stream';
import { RealtimeMetrics } from './realtime-metrics';

/** Batches that could not be appended are retried this often while Redis is unreachable. */
const RETRY_MS = 1000;
/**
 * Past this age a batch is dropped: it would be trimmed from the stream at once, and every
 * client that could still care is told to resync by its own instance's outage handling.
 */
const GIVE_UP_MS = 10 * 60_000;
const LOG_INTERVAL_MS = 10_000;
/** How often a batch waiting for its predecessor (see `after`) looks again, and for how long. */
const ORDER_POLL_MS = 10;
const ORDER_MAX_WAIT_MS = 2000;

interface Pending {
  items: readonly StreamItem[];
  /** The de-duplication id of an item that must be appended first (by any process). */
  after?: string;
  since: number;
}

/**
 * Appends real-time events to the shared stream, never before the data they tell of has
 * committed: task events from their dispatch (the change is in the outbox, committed), the
 * others from afterCommit. A task event waits for the task's
 * previous event to be in the stream, whichever process announces that one, so the events of
 * one task keep their commit order; batches are otherwise independent (a process-wide queue
 * could make two processes wait on each other). A batch that fails (Redis down) is retried in
 * the background. Appending is idempotent (see EventStream.append), so a retry after a timeout
 * that did land adds nothing. Not covered: a process killed between a commit and an append made
 * after it (a notification, a membership change) loses that announcement (the data itself is
 * committed; clients see it on their next reload); task events are appended before their
 * dispatch commits, so a killed worker's job is run again and loses none (RealtimeTaskEventFeed).
 */
@Injectable()
export class RealtimePublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(RealtimePublisher.name);
  private readonly failed: Pending[] = [];
  private retryTimer?: NodeJS.Timeout;
  /** Set at shutdown: no retry is scheduled after it (one would keep the process alive). */
  private stopped = false;
  private lastLogAt = 0;

  constructor(
    private readonly stream: EventStream,
    private readonly metrics: RealtimeMetrics,
  ) {}

  /**
   * Resolves once the batch was appended, or its first try failed (then it is retried in the
   * background). `after`: the de-duplication id of an earlier announcement, possibly made by
   * another process, that must be in the stream first (the previous event of the same task);
   * it is waited for up to 2 s, then this one goes out anyway (the earlier one failed).
   */
  async publish(items: readonly StreamItem[], after?: string): Promise<void> {
    if (items.length === 0) return;
    const pending: Pending = { items, after, since: Date.now() };
    if (!(await this.tryAppend(pending))) this.retryLater(pending);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    // One last try for what is waiting; Redis may already be gone.
    await this.retryFailed();
  }

  /** True once appended; false when Redis failed. */
  private async tryAppend(pending: Pending): Promise<boolean> {
    try {
      for (;;) {
        const waiting = Date.now() - pending.since < ORDER_MAX_WAIT_MS;
        const outcome = await this.stream.append(
          pending.items,
          waiting ? pending.after : undefined,
        );
        if (outcome !== 'wait') return true;
        await new Promise((resolve) => setTimeout(resolve, ORDER_POLL_MS));
      }
    } catch (error) {
      this.logFailure(error);
      return false;
    }
  }

  private retryLater(pending: Pending): void {
    this.failed.push(pending);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.retryTimer ??= setTimeout(() => {
      this.retryTimer = undefined;
      void this.retryFailed();
    }, RETRY_MS).unref();
  }

  /** Retries the failed batches oldest first, stopping at the first that fails again. */
  private async retryFailed(): Promise<void> {
    while (this.failed.length > 0) {
      const next = this.failed[0];
      if (Date.now() - next.since > GIVE_UP_MS) {
        this.failed.shift();
        this.metrics.publishDropped(next.items.length);
        this.logger.error(`Dropped ${next.items.length} real-time events: Redis unreachable`);
        continue;
      }
      if (!(await this.tryAppend(next))) {
        this.scheduleRetry();
        return;
      }
      this.failed.shift();
    }
  }

  private logFailure(error: unknown): void {
    const now = Date.now();
    if (now - this.lastLogAt < LOG_INTERVAL_MS) return;
    this.lastLogAt = now;
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(`Real-time events waiting (${this.failed.length + 1} batches): ${reason}`);
  }
}
