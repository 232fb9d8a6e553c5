import { Logger } from '@nestjs/common';
import type { SqlQuery } from '../common/database/sql';
import type { MetricsService } from '../metrics/metrics.service';
import { JOB_DEFINITIONS, JobName, queueOf } from './job-registry';
import type { JobsService } from './jobs.service';
import type { WorkerLoopInstance } from './worker-loop';

/** An outbox row on the queue (published) and not handled yet, and when it was published. */
export interface PublishedRow {
  id: number;
  publishedAt: Date;
}

/** Which published rows a sweep reads: published in [from, before), after `after`. */
export interface PublishedRange {
  from: Date;
  before: Date;
  /** The last row of the previous round of the same pass; null starts a pass. */
  after: PublishedRow | null;
}

/** Where a redelivery sweep reads its outbox. */
export interface RedeliverySource {
  /**
   * Rows published within the range and not handled yet, in (published_at, id) order, at most
   * `limit`.
   */
  publishedUnhandled(range: PublishedRange, limit: number): Promise<PublishedRow[]>;
  /**
   * Hands rows back to the relay (published_at = NULL) that are still not handled and were
   * still published before `before` (not published again meanwhile by another process's
   * sweep); answers how many it changed.
   */
  unpublish(ids: number[], before: Date): Promise<number>;
}

export interface RedeliveryOptions {
  /** Between two sweeps (after a sweep that found fewer rows than `batchSize`). */
  intervalMs: number;
  /** A row published more recently than this is not looked at. */
  graceMs: number;
  /** Rows looked at by one sweep. */
  batchSize: number;
}

export const DEFAULT_REDELIVERY_OPTIONS: RedeliveryOptions = {
  intervalMs: 30_000,
  graceMs: 60_000,
  batchSize: 500,
};

/** Job lookups sent to Redis at once; a sweep stops at the first group that fails. */
const LOOKUP_GROUP = 100;
/** Before the next round of a pass that is not finished (its last round found a full batch). */
const NEXT_ROUND_MS = 50;
/**
 * Subtracted from the failed-job retention to get the look-back (see OutboxRedelivery): a
 * finished job's age is counted from its worker's clock, the row's from its relay's.
 */
const CLOCK_MARGIN_MS = 60 * 60_000;

/**
 * The sweep's condition on `published_at` and its keyset: rows published within the range,
 * after `range.after` in (published_at, id) order. Written as an OR rather than a row
 * comparison, which MariaDB may not serve from the index; each outbox's repository adds its
 * own "not handled yet" condition and orders by `published_at, id`.
 */
export function publishedRangeCondition(range: PublishedRange): SqlQuery {
  const sql = 'published_at >= ? AND published_at < ?';
  if (!range.after) return { sql, params: [range.from, range.before] };
  const { publishedAt, id } = range.after;
  return {
    sql: `${sql} AND (published_at > ? OR (published_at = ? AND id > ?))`,
    params: [range.from, range.before, publishedAt, publishedAt, id],
  };
}

/**
 * Re-queues outbox rows whose job Redis lost after the relay had marked them published (a
 * Redis restart without persistence, a cluster master restarted empty, FLUSHALL): nothing else
 * would, as the relay only queues rows not yet published, so their events or emails would
 * never be handled. Every `intervalMs`, a sweep reads up to `batchSize` rows published more
 * than `graceMs` ago and still not handled, oldest first, and asks the queue for each row's job
 * (its deterministic id). A job in any state (waiting, delayed, active, completed, failed) is
 * left alone: it runs, or it failed after its last attempt, as the contract says jobs end.
 * Only a row whose job is gone is re-queued.
 *
 * It re-queues by handing the row back to its relay (published_at = NULL) rather than adding
 * the job itself: one code path queues rows (in id order, with the job's options, pausing while
 * Redis fails), the row says truly that it is not on the queue (the outbox lag gauge counts
 * it), and a crash between the reset and the queueing leaves it to the relay. The reset is
 * conditional (still not handled, still published before the grace), so of several processes'
 * sweeps that found the same lost job one re-queues it, and a handler that has meanwhile
 * dispatched the row inline is not undone; the job id keeps a second queueing a no-op anyway.
 *
 * A pass looks back only as far as the job's failed retention (keepFailedSeconds) allows, less
 * a margin: a failed job is removed that long after it finished, so an older row with no job
 * could be one that failed for good, and re-queueing it would run it again every retention
 * period. Within the look-back a row is re-run only if its failed job was also removed: by a
 * Redis loss (it gets one more run, at least once) or by the cap on kept jobs per queue.
 *
 * A pass goes on from round to round (a keyset on published_at, id), so rows whose jobs failed
 * for good cannot hide later rows from a sweep; a round that found a full batch is followed at
 * once by the next. While Redis or MySQL fails a sweep stops at the first failure, logs it and
 * tries again a period later; it runs in the background only, never on a request. Subclasses
 * are @WorkerLoop providers, like the relays.
 */
export abstract class OutboxRedelivery<N extends JobName> implements WorkerLoopInstance {
  private readonly logger: Logger;
  private readonly options: RedeliveryOptions;
  private readonly lookBackMs: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  private cursor: PublishedRow | null = null;

  protected constructor(
    /** The outbox's name, the `outbox` label of outbox_redelivered_total. */
    private readonly outbox: string,
    private readonly source: RedeliverySource,
    private readonly jobs: JobsService,
    private readonly metrics: MetricsService,
    private readonly job: N,
    options: Partial<RedeliveryOptions> = {},
  ) {
    this.logger = new Logger(`${outbox} redelivery`);
    this.options = { ...DEFAULT_REDELIVERY_OPTIONS, ...options };
    this.lookBackMs = JOB_DEFINITIONS[job].keepFailedSeconds * 1000 - CLOCK_MARGIN_MS;
  }

  /** The deterministic job id of one row, as its relay queues it. */
  protected abstract jobIdOf(id: number): string;

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.options.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * One round: the next rows of the pass, published before `now` less the grace; hands back
   * those whose job is gone. Answers how many rows it read and how many it re-queued; throws
   * when MySQL or Redis fails (the pass then resumes from the same place).
   */
  async sweep(now = new Date()): Promise<{ checked: number; redelivered: number }> {
    const before = new Date(now.getTime() - this.options.graceMs);
    const from = new Date(now.getTime() - this.lookBackMs);
    const rows = await this.source.publishedUnhandled(
      { from, before, after: this.cursor },
      this.options.batchSize,
    );
    const lost = await this.withoutJob(rows.map((row) => row.id));
    const redelivered = lost.length > 0 ? await this.source.unpublish(lost, before) : 0;
    this.cursor = rows.length === this.options.batchSize ? rows[rows.length - 1] : null;
    if (redelivered > 0) this.metrics.outboxRedelivered(this.outbox, redelivered);
    if (lost.length > 0) {
      this.logger.warn(
        `${lost.length} row(s) published over ${this.options.graceMs / 1000} s ago had no job on the queue (lost by Redis); ${redelivered} handed back to the relay (the rest by another process, or handled meanwhile): ids ${describeIds(lost)}`,
      );
    }
    return { checked: rows.length, redelivered };
  }

  /** The ids whose job the queue does not have, in any state. */
  private async withoutJob(ids: number[]): Promise<number[]> {
    const queue = queueOf(this.job);
    const missing: number[] = [];
    for (let i = 0; i < ids.length; i += LOOKUP_GROUP) {
      const group = ids.slice(i, i + LOOKUP_GROUP);
      const found = await Promise.all(group.map((id) => this.jobs.getJob(queue, this.jobIdOf(id))));
      group.forEach((id, k) => {
        if (!found[k]) missing.push(id);
      });
    }
    return missing;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    let next = this.options.intervalMs;
    try {
      const { checked } = await this.sweep();
      if (checked === this.options.batchSize) next = NEXT_ROUND_MS;
    } catch (error) {
      // One line per failed sweep, so at most one per interval while Redis or MySQL is down.
      this.logger.warn(`Sweep skipped: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.running = undefined;
    this.schedule(next);
  }
}

/** The ids of a log line: all of a few, or the first ones and how many more. */
export function describeIds(ids: number[], shown = 10): string {
  if (ids.length <= shown) return ids.join(', ');
  return `${ids.slice(0, shown).join(', ')} and ${ids.length - shown} more`;
}
