import { EPOCH_TO_SECONDS, HOUR_MS, HourlyKind } from '../tasks/read-models/hourly-counts.sql';
import {
  CompletionRow,
  counterHours,
  foldCompletionRows,
  LocalDayBuckets,
  partialHours,
} from '../tasks/reports/local-day-buckets';
import { bucketPlan } from './time-buckets';

const d = (s: string): Date => new Date(s);
const iso = (ms: number): string => new Date(ms).toISOString();

/** The local day of an instant as completion.sql.ts computes it in SQL (localDaySql). */
function localDay(buckets: LocalDayBuckets, ms: number): number {
  const seconds = Math.floor(ms / 1000) + EPOCH_TO_SECONDS;
  const offset = buckets.offsets.find(
    (o) => o.until === null || seconds < o.until / 1000 + EPOCH_TO_SECONDS,
  )!.offsetSeconds;
  return Math.floor((seconds + offset) / 86400);
}

/**
 * The rows the completion query gives for `instants` of one kind: the hourly counters of the
 * span by the local day of their hour, and the tasks of the partial hours by their own day.
 */
function queryRows(buckets: LocalDayBuckets, instants: readonly number[]): CompletionRow[] {
  const { fromHour, toHour } = counterHours(buckets);
  const partial = partialHours(buckets);
  const rows: CompletionRow[] = [];
  const add = (day: number, partial: boolean): void => {
    const row = rows.find((r) => r.day === day && r.partial === partial);
    if (row) row.n += 1;
    else rows.push({ kind: HourlyKind.Created, day, n: 1, partial });
  };
  for (const t of instants) {
    const hour = Math.floor(t / HOUR_MS);
    if (hour >= fromHour && hour < toHour) add(localDay(buckets, hour * HOUR_MS), false);
    if (partial.some((s) => t >= s.from && t < s.to)) add(localDay(buckets, t), true);
  }
  return rows;
}

/** The exact answer: each instant in the bucket whose [start, end) holds it. */
function exactCounts(buckets: LocalDayBuckets, instants: readonly number[]): number[] {
  const { boundaries } = buckets;
  const counts = new Array<number>(boundaries.length - 1).fill(0);
  for (const t of instants) {
    const i = boundaries.findIndex(
      (b, j) => j + 1 < boundaries.length && t >= b && t < boundaries[j + 1],
    );
    if (i >= 0) counts[i] += 1;
  }
  return counts;
}

describe('completion counts from hourly counters', () => {
  describe(partialHours.name, () => {
    it('should find none where every boundary is on a UTC hour', () => {
      for (const tz of ['UTC', 'Asia/Shanghai', 'Europe/Berlin', 'America/New_York']) {
        const buckets = bucketPlan(d('2025-01-01T00:00:00Z'), d('2026-01-01T00:00:00Z'), 'day', tz);
        expect({ tz, partial: partialHours(buckets) }).toEqual({ tz, partial: [] });
      }
    });

    it('should give the half hour after each Kolkata midnight and the 45 minutes after Kathmandu’s (18:15 UTC)', () => {
      const kolkata = bucketPlan(
        d('2025-03-01T00:00:00Z'),
        d('2025-03-03T00:00:00Z'),
        'day',
        'Asia/Kolkata',
      );
      expect(partialHours(kolkata).map((s) => [iso(s.from), iso(s.to)])).toEqual([
        ['2025-02-28T18:30:00.000Z', '2025-02-28T19:00:00.000Z'],
        ['2025-03-01T18:30:00.000Z', '2025-03-01T19:00:00.000Z'],
        ['2025-03-02T18:30:00.000Z', '2025-03-02T19:00:00.000Z'],
        ['2025-03-03T18:30:00.000Z', '2025-03-03T19:00:00.000Z'],
      ]);
      const kathmandu = bucketPlan(
        d('2025-03-01T00:00:00Z'),
        d('2025-03-02T00:00:00Z'),
        'day',
        'Asia/Kathmandu',
      );
      expect(partialHours(kathmandu).map((s) => (s.to - s.from) / 60_000)).toEqual([45, 45, 45]);
    });
  });

  describe(counterHours.name, () => {
    it('should take the hours starting within the span', () => {
      const kolkata = bucketPlan(
        d('2025-03-01T00:00:00Z'),
        d('2025-03-02T00:00:00Z'),
        'day',
        'Asia/Kolkata',
      );
      const { fromHour, toHour } = counterHours(kolkata);
      expect([iso(fromHour * HOUR_MS), iso(toHour * HOUR_MS)]).toEqual([
        '2025-02-28T19:00:00.000Z',
        '2025-03-02T19:00:00.000Z',
      ]);
    });
  });

  describe(foldCompletionRows.name, () => {
    it('should move a partial hour from the bucket before into the one it starts, inside the span only', () => {
      const buckets = bucketPlan(
        d('2025-03-01T00:00:00Z'),
        d('2025-03-03T00:00:00Z'),
        'day',
        'Asia/Kolkata',
      );
      const day = (s: string): number => localDay(buckets, Date.parse(s));
      const counts = foldCompletionRows(
        [
          { kind: HourlyKind.Created, day: day('2025-03-01T12:00:00Z'), n: 5, partial: false },
          // Started the span: nothing before it to take back from.
          { kind: HourlyKind.Created, day: day('2025-02-28T18:40:00Z'), n: 1, partial: true },
          { kind: HourlyKind.Completed, day: day('2025-03-01T18:45:00Z'), n: 2, partial: true },
          // Ends the span: taken back from the last bucket only.
          { kind: HourlyKind.Completed, day: day('2025-03-03T18:50:00Z'), n: 3, partial: true },
        ],
        buckets,
      );
      expect(counts).toEqual({ created: [6, 0, 0], completed: [-2, 2, -3] });
    });

    it('should equal the exact count per bucket for instants all over the span, in any zone and interval', () => {
      const cases = [
        ['Asia/Kolkata', 'day'],
        ['Asia/Kathmandu', 'week'],
        ['America/New_York', 'day'],
        ['Australia/Lord_Howe', 'day'],
        ['America/Santiago', 'day'],
        ['Asia/Shanghai', 'month'],
        ['America/St_Johns', 'month'],
      ] as const;
      for (const [tz, interval] of cases) {
        const buckets = bucketPlan(
          d('2025-01-01T00:00:00Z'),
          d('2026-01-01T00:00:00Z'),
          interval,
          tz,
        );
        const { boundaries } = buckets;
        const span = boundaries[boundaries.length - 1] - boundaries[0];
        const instants: number[] = [];
        // Every 97 minutes and 13 seconds: each minute of the hour comes round.
        const stride = 97 * 60_000 + 13_000;
        for (
          let t = boundaries[0] - 3 * HOUR_MS;
          t < boundaries[0] + span + 3 * HOUR_MS;
          t += stride
        ) {
          instants.push(t);
        }
        // Around every boundary, to the millisecond: the edges the partial hours are about.
        for (const b of boundaries)
          instants.push(b - 1, b, b + 1, b + 29 * 60_000, b + HOUR_MS - 1);
        const counts = foldCompletionRows(queryRows(buckets, instants), buckets);
        expect({ tz, interval, counts: counts.created }).toEqual({
          tz,
          interval,
          counts: exactCounts(buckets, instants),
        });
      }
    });
  });
});
