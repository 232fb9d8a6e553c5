/**
 * The read scenarios of issue 13, each one GET measured like scenarios 3–5 (autocannon at the
 * list connections, on the large database) against a p99 target of its own:
 *
 * - R1: the completion report over a year by day for the heavy user (target p99 < 300 ms);
 * - R2: the workload report for the heavy user (measured, no target).
 *
 * Extension point: issue 13's other reads (the comment listing of a task with 1,000 comments,
 * the activity of a task with 1,000 entries, the team project's listing with a `label` filter;
 * p99 < 50 ms each) belong here as more entries, once labels, comments and activity exist:
 * add the id and title to SCENARIOS in bench/run.ts, and an entry below whose `prepare` makes
 * what it reads (through the API, as the bench's writer, under BENCH_TITLE_PREFIX tasks so the
 * cleanup removes them) and returns the path. The target checks read `p99TargetMs`.
 */

export type Reader = 'heavy' | 'normal' | 'member';

export interface ReadContext {
  url: string;
  /** The token of each reader. */
  tokens: Record<Reader, string>;
  /** The team project's id (scenarios T1–T7). */
  teamProjectId: number;
  now: Date;
}

export interface ReadScenario {
  reader: Reader;
  /** The measured request's path and query, made once before the warm-up. */
  prepare: (ctx: ReadContext) => Promise<string> | string;
  /** p99 target in ms on the large database; null when measured without a target. */
  p99TargetMs: number | null;
  /** The target as the report words it. */
  targetText?: string;
  /** Checks one answer's JSON before the warm-up: a problem, or null when it is as expected. */
  verify?: (body: unknown) => string | null;
}

const DAY_MS = 86_400_000;

/** R1's time zone: UTC+8 all year, so a year of days is exactly 365 buckets. */
export const COMPLETION_TZ = 'Asia/Shanghai';
const COMPLETION_TZ_OFFSET_MS = 8 * 3_600_000;

/**
 * The year of days before the next local midnight in COMPLETION_TZ: 365 buckets, ending with
 * today, as a dashboard would ask for it.
 */
export function completionReportPath(now: Date): string {
  const localDay = Math.floor((now.getTime() + COMPLETION_TZ_OFFSET_MS) / DAY_MS);
  const to = new Date((localDay + 1) * DAY_MS - COMPLETION_TZ_OFFSET_MS);
  const from = new Date(to.getTime() - 365 * DAY_MS);
  const query = new URLSearchParams({
    from: from.toISOString(),
    to: to.toISOString(),
    interval: 'day',
    tz: COMPLETION_TZ,
  });
  return `/api/v1/reports/completion?${query.toString()}`;
}

export const READ_SCENARIOS = {
  'report-completion': {
    reader: 'heavy',
    prepare: ({ now }) => completionReportPath(now),
    p99TargetMs: 300,
    targetText: 'the completion report over a year by day for the heavy user',
    verify: (body) => {
      const buckets = (body as { series?: unknown[] }).series?.length;
      return buckets === 365 ? null : `expected 365 daily buckets, got ${buckets}`;
    },
  },
  'report-workload': {
    reader: 'heavy',
    prepare: () => '/api/v1/reports/workload',
    p99TargetMs: null,
  },
} as const satisfies Record<string, ReadScenario>;

export type ReadScenarioId = keyof typeof READ_SCENARIOS;
