/**
 * The read scenarios of issue 13, each one GET measured like scenarios 3–5 (autocannon at the
 * list connections, on the large database) against a p99 target of its own:
 *
 * - R1: the completion report over a year by day for the heavy user (target p99 < 300 ms);
 * - R2: the workload report for the heavy user (measured, no target);
 * - R3: the comments of a task with 1,000 comments, a page of 100 (target p99 < 50 ms);
 * - R4: the activity of a task with 1,000 entries, a page of 100 (target p99 < 50 ms);
 * - R5: the team project's listing (100,000 tasks) filtered by a label that 2,000 of its tasks
 *   carry, as a member (target p99 < 50 ms).
 *
 * More reads go here as entries: add the id and title to SCENARIOS in bench/run.ts, and an
 * entry below whose `prepare` makes what it reads (through the API, as the bench's writer,
 * under BENCH_TITLE_PREFIX tasks so the cleanup removes them) and returns the path. The target
 * checks read `p99TargetMs`.
 */

import { BENCH_TITLE_PREFIX } from '../datasets';

export type Reader = 'heavy' | 'normal' | 'member' | 'writer';

export interface ReadContext {
  url: string;
  /** The token of each reader. */
  tokens: Record<Reader, string>;
  /** The team project's id (scenarios T1–T7). */
  teamProjectId: number;
  now: Date;
  /** A smoke run: the scenarios make less data (the same shape, smaller). */
  smoke: boolean;
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
/** R3 and R4: how many comments (activity entries) the read task has (smoke: enough for a page). */
export const FEED_ENTRIES = 1000;
const SMOKE_FEED_ENTRIES = 120;
const feedEntries = (ctx: ReadContext): number => (ctx.smoke ? SMOKE_FEED_ENTRIES : FEED_ENTRIES);
/** Requests in flight while R3 and R4 fill their task. */
const FILL_CONCURRENCY = 8;

/** A JSON request as the bench's writer; throws unless it answers 2xx. */
async function writerCall(
  ctx: ReadContext,
  method: string,
  path: string,
  body: unknown,
): Promise<{ id: number }> {
  const response = await fetch(ctx.url + path, {
    method,
    headers: { authorization: `Bearer ${ctx.tokens.writer}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as { id: number };
}

/** Runs `make(i)` for i in [0, n), FILL_CONCURRENCY at a time. */
async function fill(n: number, make: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: FILL_CONCURRENCY }, async () => {
      while (next < n) await make(next++);
    }),
  );
}

/** A bench task of the writer (in its inbox) with FEED_ENTRIES comments. */
async function taskWithComments(ctx: ReadContext): Promise<string> {
  const task = await writerCall(ctx, 'POST', '/api/v1/tasks', {
    title: `${BENCH_TITLE_PREFIX} comments`,
  });
  await fill(feedEntries(ctx), (i) =>
    writerCall(ctx, 'POST', `/api/v1/tasks/${task.id}/comments`, { body: `comment ${i}` }),
  );
  return `/api/v1/tasks/${task.id}/comments?page_size=100`;
}

/** A bench task of the writer whose activity has FEED_ENTRIES entries (a creation, then edits). */
async function taskWithActivity(ctx: ReadContext): Promise<string> {
  const task = await writerCall(ctx, 'POST', '/api/v1/tasks', {
    title: `${BENCH_TITLE_PREFIX} activity`,
  });
  // One after the other: concurrent edits of one task would wait on its row lock anyway.
  for (let i = 1; i < feedEntries(ctx); i += 1) {
    await writerCall(ctx, 'PATCH', `/api/v1/tasks/${task.id}`, {
      title: `${BENCH_TITLE_PREFIX} activity ${i}`,
    });
  }
  return `/api/v1/tasks/${task.id}/activity?page_size=100`;
}

/** R5: how many tasks of the team project carry the measured label (smoke: a page's worth). */
export const LABELLED_TASKS = 2000;
const SMOKE_LABELLED_TASKS = 40;
/** Labels the bench makes start with this (the cleanup deletes them). */
export const BENCH_LABEL_PREFIX = 'bench-';

/**
 * A label in the team project on LABELLED_TASKS new tasks of the writer (created with it, under
 * BENCH_TITLE_PREFIX, so the cleanup removes them); the path lists the project by that label.
 */
async function teamProjectByLabel(ctx: ReadContext): Promise<string> {
  const name = `${BENCH_LABEL_PREFIX}${Date.now().toString(36)}`;
  const label = await writerCall(ctx, 'POST', `/api/v1/projects/${ctx.teamProjectId}/labels`, {
    name,
  });
  await fill(ctx.smoke ? SMOKE_LABELLED_TASKS : LABELLED_TASKS, (i) =>
    writerCall(ctx, 'POST', '/api/v1/tasks', {
      title: `${BENCH_TITLE_PREFIX} labelled ${i}`,
      project_id: ctx.teamProjectId,
      label_ids: [label.id],
    }),
  );
  const query = new URLSearchParams({ project_id: String(ctx.teamProjectId), label: name });
  return `/api/v1/tasks?${query.toString()}`;
}

/** Checks that a feed answer is a full page of 100. */
function fullPage(body: unknown): string | null {
  const n = Array.isArray(body) ? body.length : -1;
  return n === 100 ? null : `expected a page of 100 entries, got ${n}`;
}

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
  'comments-list': {
    reader: 'writer',
    prepare: taskWithComments,
    p99TargetMs: 50,
    targetText: `the comments of a task with ${FEED_ENTRIES} comments`,
    verify: fullPage,
  },
  'label-filter': {
    reader: 'member',
    prepare: teamProjectByLabel,
    p99TargetMs: 50,
    targetText: `the team project's listing by a label on ${LABELLED_TASKS} of its tasks`,
    verify: (body) => {
      const n = Array.isArray(body) ? body.length : -1;
      return n === 20 ? null : `expected a full default page of 20 tasks, got ${n}`;
    },
  },
  'activity-list': {
    reader: 'writer',
    prepare: taskWithActivity,
    p99TargetMs: 50,
    targetText: `the activity of a task with ${FEED_ENTRIES} entries`,
    verify: fullPage,
  },
} as const satisfies Record<string, ReadScenario>;

export type ReadScenarioId = keyof typeof READ_SCENARIOS;
