/**
 * Calendar buckets (days, ISO weeks, months) cut in an IANA time zone, as UTC instants.
 *
 * MariaDB's time zone tables are usually not loaded (`CONVERT_TZ` answers NULL), so the
 * boundaries and the zone's UTC offsets are computed here with Intl, which carries the full tz
 * database: each boundary is the first instant of a local calendar date, whatever its length (23
 * or 25 hours on DST days), and the database turns instants into local dates with the offsets.
 */
import type { LocalDayBuckets, ZoneOffset } from '../tasks/reports/local-day-buckets';

export const REPORT_INTERVALS = ['day', 'week', 'month'] as const;
export type ReportInterval = (typeof REPORT_INTERVALS)[number];

/** More buckets than this is refused (a year by day, leap years included). */
export const MAX_BUCKETS = 366;

/** The default span of a report: the last `n` buckets, the current one included. */
export const DEFAULT_BUCKETS: Readonly<Record<ReportInterval, number>> = {
  day: 30,
  week: 12,
  month: 12,
};

/** A local calendar date (month 1-12). */
interface CivilDate {
  year: number;
  month: number;
  day: number;
}

const SECOND = 1000;
/** An en-US reading with the options of ZoneClock: `3/29/2026, 01:00:00`. */
const WALL = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)$/;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;

/**
 * True when `tz` is an IANA zone name the runtime knows (`Europe/Berlin`, `UTC`); offsets
 * (`+01:00`) and unknown names (`Mars/Base`) are not.
 */
export function isTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(tz)) return false;
  try {
    wallFormat(tz);
    return true;
  } catch {
    // RangeError: the runtime does not know the zone.
    return false;
  }
}

/** The zone's canonical name as the runtime spells it (`europe/berlin` → `Europe/Berlin`). */
export function canonicalTimeZone(tz: string): string {
  return wallFormat(tz).resolvedOptions().timeZone;
}

/** Formatters by zone name: building one costs ~0.4 ms, a report needs several. */
const formats = new Map<string, Intl.DateTimeFormat>();
const MAX_CACHED_FORMATS = 1000;

/** The formatter of wall readings in `tz` (throws RangeError for an unknown zone). */
function wallFormat(tz: string): Intl.DateTimeFormat {
  let format = formats.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    // Spellings differ only in case, so the zones stay few; the bound is for safety only.
    if (formats.size >= MAX_CACHED_FORMATS) formats.clear();
    formats.set(tz, format);
  }
  return format;
}

/** Local wall-clock readings of instants in one zone. */
class ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  /** The UTC offset (ms) at the last start found. */
  private offset: number | undefined;

  constructor(tz: string) {
    this.format = wallFormat(tz);
  }

  /** The local reading at `t` (whole seconds), written as if it were a UTC instant. */
  wall(t: number): number {
    // `format` and a regular expression: several times faster than `formatToParts`.
    const m = WALL.exec(this.format.format(t));
    if (!m) throw new Error(`unexpected date format: ${this.format.format(t)}`);
    const [month, day, year, hour, minute, second] = m.slice(1).map(Number);
    return Date.UTC(year, month - 1, day, hour, minute, second);
  }

  /** The zone's UTC offset (ms) at `t` (whole seconds). */
  offsetAt(t: number): number {
    return this.wall(t) - t;
  }

  date(t: number): CivilDate {
    const w = new Date(this.wall(t));
    return { year: w.getUTCFullYear(), month: w.getUTCMonth() + 1, day: w.getUTCDate() };
  }

  /**
   * The first instant of the local date: local midnight, or where a DST change skips midnight
   * (clocks jumping from 23:59:59 to 01:00), the first instant after the jump.
   */
  startOf(date: CivilDate): number {
    const midnight = Date.UTC(date.year, date.month - 1, date.day);
    const isStart = (t: number): boolean =>
      this.wall(t) === midnight && this.wall(t - SECOND) < midnight;
    // The offset of the previous answer is almost always still in force: two readings.
    if (this.offset !== undefined && isStart(midnight - this.offset)) {
      return midnight - this.offset;
    }
    // Two rounds of "midnight minus the offset in force" land on it unless a change is near.
    let t = midnight - (this.wall(midnight) - midnight);
    t = midnight - (this.wall(t) - t);
    if (isStart(t)) {
      this.offset = midnight - t;
      return t;
    }
    // Midnight is skipped or repeated: search, to the second, for the first instant whose
    // reading is at or past it (offsets never exceed ±26 hours).
    let lo = Math.floor((midnight - 27 * HOUR) / SECOND);
    let hi = Math.floor((midnight + 27 * HOUR) / SECOND);
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.wall(mid * SECOND) >= midnight) hi = mid;
      else lo = mid + 1;
    }
    return lo * SECOND;
  }
}

/** The civil date `n` days after `d` (negative: before). */
function addDays(d: CivilDate, n: number): CivilDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** The 1st of the month `n` months after `d`'s. */
function addMonths(d: CivilDate, n: number): CivilDate {
  const t = new Date(Date.UTC(d.year, d.month - 1 + n, 1));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: 1 };
}

/** The first date of the bucket holding `d`: itself, its ISO week's Monday, its month's 1st. */
function bucketDate(d: CivilDate, interval: ReportInterval): CivilDate {
  if (interval === 'day') return d;
  if (interval === 'month') return { ...d, day: 1 };
  const weekday = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay(); // 0 = Sunday
  return addDays(d, -((weekday + 6) % 7));
}

function step(d: CivilDate, interval: ReportInterval, n: number): CivilDate {
  if (interval === 'day') return addDays(d, n);
  if (interval === 'week') return addDays(d, 7 * n);
  return addMonths(d, n);
}

export class TooManyBucketsError extends Error {
  constructor() {
    super(`more than ${MAX_BUCKETS} buckets`);
  }
}

/**
 * The boundaries of the buckets covering [from, to): `n + 1` ascending UTC instants (ms) for
 * `n` buckets, from the start of the bucket holding `from` to the end of the bucket holding the
 * last instant before `to`; each bucket is [boundaries[i], boundaries[i + 1]). Throws
 * TooManyBucketsError past MAX_BUCKETS. `from` < `to` is the caller's to check.
 */
export function bucketBoundaries(
  from: Date,
  to: Date,
  interval: ReportInterval,
  tz: string,
): number[] {
  return bucketPlan(from, to, interval, tz).boundaries;
}

/**
 * The buckets covering [from, to) (see bucketBoundaries) in the form the tasks module counts
 * with: the boundaries, the local day number of each bucket's first date, and the zone's UTC
 * offsets over the whole span, so that SQL can turn an instant into its local date with
 * arithmetic (one CASE over a few DST changes per year) instead of a search per row.
 */
export function bucketPlan(
  from: Date,
  to: Date,
  interval: ReportInterval,
  tz: string,
): LocalDayBuckets {
  const clock = new ZoneClock(tz);
  let date = bucketDate(clock.date(from.getTime()), interval);
  const boundaries = [clock.startOf(date)];
  const firstDays = [dayNumber(date)];
  while (boundaries[boundaries.length - 1] < to.getTime()) {
    if (boundaries.length > MAX_BUCKETS) throw new TooManyBucketsError();
    date = step(date, interval, 1);
    boundaries.push(clock.startOf(date));
    firstDays.push(dayNumber(date));
  }
  return { boundaries, firstDays, offsets: zoneOffsets(clock, boundaries) };
}

/** TO_DAYS() of a civil date: days since year 0 (TO_DAYS('1970-01-01') = 719528). */
function dayNumber(d: CivilDate): number {
  return Date.UTC(d.year, d.month - 1, d.day) / DAY + 719_528;
}

/**
 * The offsets in force over [boundaries[0], last boundary), in order. The zone is sampled at
 * every boundary and at most 7 days apart (DST changes are months apart), and each change
 * found is located to the second.
 */
function zoneOffsets(clock: ZoneClock, boundaries: readonly number[]): ZoneOffset[] {
  const samples: number[] = [];
  for (let i = 0; i + 1 < boundaries.length; i++) {
    for (let t = boundaries[i]; t < boundaries[i + 1]; t += 7 * DAY) samples.push(t);
  }
  samples.push(boundaries[boundaries.length - 1] - SECOND);
  const offsets: ZoneOffset[] = [];
  let current = clock.offsetAt(samples[0]);
  let previous = samples[0];
  for (const sample of samples.slice(1)) {
    while (clock.offsetAt(sample) !== current) {
      // The first second after `previous` with another offset.
      let lo = previous / SECOND + 1;
      let hi = sample / SECOND;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (clock.offsetAt(mid * SECOND) !== current) hi = mid;
        else lo = mid + 1;
      }
      offsets.push({ offsetSeconds: current / SECOND, until: lo * SECOND });
      current = clock.offsetAt(lo * SECOND);
      previous = lo * SECOND;
    }
    previous = sample;
  }
  offsets.push({ offsetSeconds: current / SECOND, until: null });
  return offsets;
}

/**
 * The default `from` for a report ending at `to`: the start of the bucket `DEFAULT_BUCKETS - 1`
 * intervals before the one holding the last instant before `to`, so the series has
 * DEFAULT_BUCKETS buckets (the last 30 days, 12 weeks or 12 months, the current one included).
 */
export function defaultFrom(to: Date, interval: ReportInterval, tz: string): Date {
  const clock = new ZoneClock(tz);
  const last = bucketDate(clock.date(to.getTime() - 1), interval);
  return new Date(clock.startOf(step(last, interval, -(DEFAULT_BUCKETS[interval] - 1))));
}
