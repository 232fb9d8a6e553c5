import { HOUR_MS, HourlyKind } from '../read-models/hourly-counts.sql';

/**
 * How hourly counters (task_hourly_counts) add up to local-date buckets exactly. A counter of
 * the hour starting at H counts in the bucket holding the instant H. Bucket i,
 * [b(i), b(i+1)), thus receives the tasks of [ceilHour(b(i)), ceilHour(b(i+1))): exact when
 * every boundary falls on a UTC hour (UTC, Asia/Shanghai, Europe/Berlin, America/New_York),
 * and off by the tasks of [b, ceilHour(b)) at a boundary b inside an hour (Asia/Kolkata
 * +05:30, Asia/Kathmandu +05:45, Australia/Lord_Howe's half-hour DST). Those partial hours are
 * counted from the tasks themselves and moved into the bucket starting at b.
 */

/** A zone's UTC offset, in force up to `until` (UTC epoch ms; null: to the end). */
export interface ZoneOffset {
  offsetSeconds: number;
  until: number | null;
}

/** Calendar buckets in a time zone (made by the reports module's time-buckets.ts). */
export interface LocalDayBuckets {
  /** n + 1 ascending UTC epoch ms (whole seconds): bucket i is [boundaries[i], boundaries[i + 1]). */
  boundaries: number[];
  /** TO_DAYS() of the local first date of each bucket, and of the end (n + 1 entries). */
  firstDays: number[];
  /** The zone's offsets over [boundaries[0], boundaries[n]), in order. */
  offsets: ZoneOffset[];
}

/** Tasks created and completed in each bucket (index i: [boundaries[i], boundaries[i + 1])). */
export interface CompletionCounts {
  created: number[];
  completed: number[];
}

/** One row of the completion query: `n` tasks of `kind` on local day `day` (a TO_DAYS() number). */
export interface CompletionRow {
  kind: HourlyKind;
  day: number;
  n: number;
  /** The tasks of a partial hour [b, ceilHour(b)) at a boundary b, counted from the tasks. */
  partial: boolean;
}

/** [from, to) in UTC epoch ms. */
export interface Span {
  from: number;
  to: number;
}

const ceilHour = (ms: number): number => Math.ceil(ms / HOUR_MS) * HOUR_MS;

/** The hours whose counters count: those starting within the buckets' span. */
export function counterHours(buckets: LocalDayBuckets): { fromHour: number; toHour: number } {
  const { boundaries } = buckets;
  return {
    fromHour: ceilHour(boundaries[0]) / HOUR_MS,
    toHour: ceilHour(boundaries[boundaries.length - 1]) / HOUR_MS,
  };
}

/** [b, ceilHour(b)) for each boundary b not on a UTC hour, in order (none for most zones). */
export function partialHours(buckets: LocalDayBuckets): Span[] {
  return buckets.boundaries
    .filter((b) => b % HOUR_MS !== 0)
    .map((b) => ({ from: b, to: ceilHour(b) }));
}

/** The bucket whose first day is the last at or before `day` (-1: before the first). */
function bucketOfDay(firstDays: readonly number[], day: number): number {
  let lo = 0;
  let hi = firstDays.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (firstDays[mid] <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * The buckets' counts from the query's rows. A partial hour's day is the first of the bucket
 * it starts (bucket j; j = n for the end of the span), and its hour's counter went to the
 * bucket before (j - 1, which the span's start lacks: its hour is not counted), so its tasks
 * move from j - 1 to j.
 */
export function foldCompletionRows(
  rows: readonly CompletionRow[],
  buckets: LocalDayBuckets,
): CompletionCounts {
  const n = buckets.boundaries.length - 1;
  const counts = {
    created: new Array<number>(n).fill(0),
    completed: new Array<number>(n).fill(0),
  };
  for (const row of rows) {
    const series = row.kind === HourlyKind.Created ? counts.created : counts.completed;
    const bucket = bucketOfDay(buckets.firstDays, row.day);
    // The range conditions keep every row inside the span; the guards are for safety only.
    if (bucket >= 0 && bucket < n) series[bucket] += row.n;
    if (row.partial && bucket > 0 && bucket <= n) series[bucket - 1] -= row.n;
  }
  return counts;
}
