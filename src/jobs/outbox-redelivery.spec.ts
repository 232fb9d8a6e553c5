import type { MetricsService } from '../metrics/metrics.service';
import type { JobsService } from './jobs.service';
import {
  describeIds,
  OutboxRedelivery,
  PublishedRange,
  publishedRangeCondition,
  RedeliveryOptions,
  RedeliverySource,
} from './outbox-redelivery';

class TestRedelivery extends OutboxRedelivery<'events.dispatch'> {
  constructor(
    source: RedeliverySource,
    jobs: JobsService,
    metrics: MetricsService,
    options: Partial<RedeliveryOptions>,
  ) {
    super('test', source, jobs, metrics, 'events.dispatch', options);
  }

  protected jobIdOf(id: number): string {
    return `event-${id}`;
  }
}

const NOW = new Date('2026-12-02T12:00:00.000Z');
const minutesAgo = (minutes: number): Date => new Date(NOW.getTime() - minutes * 60_000);

describe(OutboxRedelivery.name, () => {
  /** The outbox: published, unhandled rows, in (published_at, id) order. */
  let rows: Array<{ id: number; publishedAt: Date }>;
  let ranges: PublishedRange[];
  let unpublished: number[][];
  /** Job ids the queue has, in some state. */
  let queued: Set<string>;
  let redisDown: boolean;
  let counted: Array<[string, number]>;
  let redelivery: TestRedelivery;

  const make = (options: Partial<RedeliveryOptions> = {}): TestRedelivery =>
    new TestRedelivery(
      {
        publishedUnhandled: (range, limit) => {
          ranges.push(range);
          const after = range.after;
          return Promise.resolve(
            rows
              .filter((row) => row.publishedAt >= range.from && row.publishedAt < range.before)
              .filter(
                (row) =>
                  !after ||
                  row.publishedAt > after.publishedAt ||
                  (row.publishedAt.getTime() === after.publishedAt.getTime() && row.id > after.id),
              )
              .slice(0, limit),
          );
        },
        unpublish: (ids) => {
          unpublished.push(ids);
          rows = rows.filter((row) => !ids.includes(row.id));
          return Promise.resolve(ids.length);
        },
      },
      {
        getJob: (_queue: string, jobId: string) =>
          redisDown
            ? Promise.reject(new Error('The job queue is unavailable'))
            : Promise.resolve(queued.has(jobId) ? { id: jobId } : undefined),
      } as unknown as JobsService,
      {
        outboxRedelivered: (outbox: string, count: number) => counted.push([outbox, count]),
      } as unknown as MetricsService,
      options,
    );

  beforeEach(() => {
    rows = [];
    ranges = [];
    unpublished = [];
    queued = new Set();
    redisDown = false;
    counted = [];
    redelivery = make();
  });

  afterEach(async () => {
    await redelivery.stop();
  });

  it('should hand back only the rows whose job is gone, and count them', async () => {
    rows = [1, 2, 3].map((id) => ({ id, publishedAt: minutesAgo(5) }));
    queued.add('event-2');

    await expect(redelivery.sweep(NOW)).resolves.toEqual({ checked: 3, redelivered: 2 });
    expect(unpublished).toEqual([[1, 3]]);
    expect(counted).toEqual([['test', 2]]);
  });

  it('should leave the outbox unchanged when every job is still there', async () => {
    rows = [1, 2].map((id) => ({ id, publishedAt: minutesAgo(5) }));
    queued.add('event-1').add('event-2');

    await expect(redelivery.sweep(NOW)).resolves.toEqual({ checked: 2, redelivered: 0 });
    expect(unpublished).toEqual([]);
    expect(counted).toEqual([]);
  });

  it('should read rows published before the grace period and within the failed-job retention less an hour', async () => {
    redelivery = make({ graceMs: 60_000 });
    await redelivery.sweep(NOW);

    // events.dispatch keeps failed jobs for 7 days.
    expect(ranges).toEqual([
      {
        from: new Date(NOW.getTime() - 7 * 24 * 3_600_000 + 3_600_000),
        before: minutesAgo(1),
        after: null,
      },
    ]);
  });

  it('should go on with a pass from where its last full batch ended, then start over', async () => {
    redelivery = make({ batchSize: 2 });
    rows = [1, 2, 3].map((id) => ({ id, publishedAt: minutesAgo(10 - id) }));
    queued.add('event-1').add('event-2').add('event-3');

    await redelivery.sweep(NOW);
    await redelivery.sweep(NOW);
    await redelivery.sweep(NOW);

    expect(ranges.map((range) => range.after)).toEqual([null, rows[1], null]);
  });

  it('should stop at a Redis failure, change nothing, and read the same rows next time', async () => {
    redelivery = make({ batchSize: 2 });
    rows = [1, 2, 3].map((id) => ({ id, publishedAt: minutesAgo(10 - id) }));
    redisDown = true;

    await expect(redelivery.sweep(NOW)).rejects.toThrow('The job queue is unavailable');
    redisDown = false;
    await expect(redelivery.sweep(NOW)).resolves.toEqual({ checked: 2, redelivered: 2 });

    expect(ranges.map((range) => range.after)).toEqual([null, null]);
    expect(unpublished).toEqual([[1, 2]]);
  });

  it('should sweep every interval, go on at once after a full batch, keep going after a failure, and stop', async () => {
    // Fake timers: the schedule is asserted on the loop's own clock, not the machine's speed.
    jest.useFakeTimers({ now: NOW });
    try {
      redelivery = make({ intervalMs: 300, graceMs: 0, batchSize: 2 });
      rows = [1, 2, 3, 4, 5].map((id) => ({
        id,
        publishedAt: new Date(NOW.getTime() - 1000 + id),
      }));
      redelivery.start();

      // The first sweep comes after one interval.
      await jest.advanceTimersByTimeAsync(299);
      expect(ranges).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(unpublished).toEqual([[1, 2]]);
      // A full batch is followed at once (NEXT_ROUND_MS) by the rest of the pass, not an
      // interval later.
      await jest.advanceTimersByTimeAsync(100);
      expect(unpublished).toEqual([[1, 2], [3, 4], [5]]);

      // Redis fails: the next sweeps, an interval apart, change nothing and the loop goes on.
      redisDown = true;
      rows.push({ id: 6, publishedAt: new Date(Date.now() - 1000) });
      const failedFrom = ranges.length;
      await jest.advanceTimersByTimeAsync(600);
      expect(ranges.length).toBe(failedFrom + 2);
      expect(unpublished).toHaveLength(3);
      redisDown = false;
      await jest.advanceTimersByTimeAsync(300);
      expect(unpublished[3]).toEqual([6]);

      const stopping = redelivery.stop();
      await jest.advanceTimersByTimeAsync(0);
      await stopping;
      const stoppedAt = ranges.length;
      await jest.advanceTimersByTimeAsync(1000);
      expect(ranges).toHaveLength(stoppedAt);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe(publishedRangeCondition.name, () => {
  const from = new Date('2026-12-01T00:00:00.000Z');
  const before = new Date('2026-12-02T00:00:00.000Z');

  it('should bound published_at alone at the start of a pass', () => {
    expect(publishedRangeCondition({ from, before, after: null })).toEqual({
      sql: 'published_at >= ? AND published_at < ?',
      params: [from, before],
    });
  });

  it('should continue after the last row read, in (published_at, id) order', () => {
    const at = new Date('2026-12-01T10:00:00.000Z');
    expect(publishedRangeCondition({ from, before, after: { id: 42, publishedAt: at } })).toEqual({
      sql: 'published_at >= ? AND published_at < ? AND (published_at > ? OR (published_at = ? AND id > ?))',
      params: [from, before, at, at, 42],
    });
  });
});

describe(describeIds.name, () => {
  it('should list a few ids, and the first ones and how many more of many', () => {
    expect(describeIds([3, 5])).toBe('3, 5');
    expect(describeIds([1, 2, 3, 4, 5], 3)).toBe('1, 2, 3 and 2 more');
  });
});
