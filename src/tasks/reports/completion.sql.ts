import { SqlQuery } from '../../common/database/sql';
import {
  buildHourlyCountsByDay,
  EPOCH_TO_SECONDS,
  HourlyKind,
} from '../read-models/hourly-counts.sql';
import { merge } from '../listing/filters.sql';
import { ASSIGNEE_INDEXES, VisiblePart } from '../listing/visibility.sql';
import { counterHours, LocalDayBuckets, partialHours, Span, ZoneOffset } from './local-day-buckets';

/** The index serving each column's range within projects (CreateProjects, AddTaskCompletedIndex). */
const PROJECT_INDEX = {
  created_at: 'idx_tasks_project_created',
  completed_at: 'idx_tasks_project_completed',
} as const;

const COLUMNS = [
  [HourlyKind.Created, 'created_at'],
  [HourlyKind.Completed, 'completed_at'],
] as const;

/**
 * The local date, as TO_DAYS() would give it in the zone, of `seconds`: an expression in
 * TO_SECONDS() units (TO_SECONDS reads DATETIME as stored, UTC, whatever the session time
 * zone). The offset in force is a CASE over the few DST changes of the span: measured when the
 * report read every task (the heavy user's year by day, 100k rows), about 25% faster than
 * bucketing with INTERVAL() over 366 boundaries.
 */
function localDaySql(seconds: string, offsets: readonly ZoneOffset[]): SqlQuery {
  const changes = offsets.filter((o) => o.until !== null);
  const last = offsets[offsets.length - 1].offsetSeconds;
  if (changes.length === 0) return { sql: `(${seconds} + ?) DIV 86400`, params: [last] };
  return {
    sql:
      `(${seconds} + CASE ${changes.map(() => `WHEN ${seconds} < ? THEN ?`).join(' ')} ` +
      'ELSE ? END) DIV 86400',
    params: [
      ...changes.flatMap((o) => [(o.until as number) / 1000 + EPOCH_TO_SECONDS, o.offsetSeconds]),
      last,
    ],
  };
}

/** Rows (kind, day, n, partial) of the part's live tasks whose `column` is within `spans`. */
function taskCountsByDay(
  part: VisiblePart,
  kind: HourlyKind,
  column: (typeof COLUMNS)[number][1],
  spans: readonly Span[],
  buckets: LocalDayBuckets,
  partial: boolean,
): SqlQuery {
  const day = localDaySql(`TO_SECONDS(t.${column})`, buckets.offsets);
  const indexes = part.projectIds ? [PROJECT_INDEX[column]] : ASSIGNEE_INDEXES;
  const where = merge(part.where, {
    conditions: [
      't.deleted_at IS NULL',
      `(${spans.map(() => `(t.${column} >= ? AND t.${column} < ?)`).join(' OR ')})`,
    ],
    params: spans.flatMap((s) => [new Date(s.from), new Date(s.to)]),
  });
  return {
    sql:
      `SELECT ${kind} AS kind, ${day.sql} AS day, COUNT(*) AS n, ${partial ? 1 : 0} AS partial ` +
      `FROM tasks t FORCE INDEX (${indexes.join(', ')}) ` +
      `WHERE ${where.conditions.join(' AND ')} GROUP BY day`,
    params: [...day.params, ...where.params],
  };
}

/** The parts of one visible part: counters for projects, the tasks themselves otherwise. */
function partSelects(part: VisiblePart, buckets: LocalDayBuckets): SqlQuery[] {
  if (!part.projectIds) {
    const { boundaries } = buckets;
    const span = { from: boundaries[0], to: boundaries[boundaries.length - 1] };
    return COLUMNS.map(([kind, column]) =>
      taskCountsByDay(part, kind, column, [span], buckets, false),
    );
  }
  const { fromHour, toHour } = counterHours(buckets);
  const day = localDaySql(`(h.hour * 3600 + ${EPOCH_TO_SECONDS})`, buckets.offsets);
  const counters = buildHourlyCountsByDay(part.projectIds, fromHour, toHour, day);
  const selects = [
    {
      sql: `SELECT c.kind, c.day, c.n, 0 AS partial FROM (${counters.sql}) c`,
      params: counters.params,
    },
  ];
  const partial = partialHours(buckets);
  if (partial.length > 0) {
    for (const [kind, column] of COLUMNS) {
      selects.push(taskCountsByDay(part, kind, column, partial, buckets, true));
    }
  }
  return selects;
}

/**
 * Visible tasks created and completed per local day within the buckets' span: rows of (kind,
 * day, n, partial) with day a TO_DAYS() number, only where n > 0; the caller folds them into
 * buckets (foldCompletionRows). The projects' tasks come from their hourly counters (a primary-
 * key range per project and kind) and, where a boundary falls inside an hour, the tasks of that
 * partial hour (partialHours in local-day-buckets.ts); the tasks assigned to the caller
 * elsewhere (few) are read from the assignee index. One statement, so one snapshot.
 */
export function buildCompletionCountsQuery(
  parts: readonly VisiblePart[],
  buckets: LocalDayBuckets,
): SqlQuery | null {
  if (parts.length === 0) return null;
  const selects = parts.flatMap((part) => partSelects(part, buckets));
  return {
    sql:
      'SELECT v.kind, v.day, v.partial, SUM(v.n) AS n ' +
      `FROM (${selects.map((s) => s.sql).join(' UNION ALL ')}) v GROUP BY v.kind, v.day, v.partial`,
    params: selects.flatMap((s) => s.params),
  };
}
