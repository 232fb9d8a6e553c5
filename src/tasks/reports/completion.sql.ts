import { SqlQuery } from '../../common/database/sql';
import { merge } from '../listing/filters.sql';
import { ASSIGNEE_INDEXES, VisiblePart } from '../listing/visibility.sql';

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

/** What a row of the completion counts counts. */
export const CompletionKind = { Created: 1, Completed: 2 } as const;

/** The index serving each column's range within projects (CreateProjects, AddTaskCompletedIndex). */
const PROJECT_INDEX = {
  created_at: 'idx_tasks_project_created',
  completed_at: 'idx_tasks_project_completed',
} as const;

/**
 * The local date of `column` as TO_DAYS() would give it in the zone: the UTC seconds plus the
 * offset in force (a CASE over the few DST changes of the span), divided into days. TO_SECONDS
 * reads DATETIME as stored (UTC), whatever the session time zone. Measured on the heavy user's
 * year by day (100k rows): about 25% faster than bucketing with INTERVAL() over 366 boundaries.
 */
function localDaySql(column: string, offsets: readonly ZoneOffset[]): SqlQuery {
  const changes = offsets.filter((o) => o.until !== null);
  const last = offsets[offsets.length - 1].offsetSeconds;
  if (changes.length === 0) {
    return { sql: `(TO_SECONDS(${column}) + ?) DIV 86400`, params: [last] };
  }
  return {
    sql:
      `(TO_SECONDS(${column}) + CASE ${changes.map(() => `WHEN ${column} < ? THEN ?`).join(' ')} ` +
      'ELSE ? END) DIV 86400',
    params: [...changes.flatMap((o) => [new Date(o.until as number), o.offsetSeconds]), last],
  };
}

/**
 * Visible tasks created and completed per local day within the buckets' span: rows of (kind,
 * day, n) with day a TO_DAYS() number, only where n > 0; the caller folds days into buckets.
 * One index range scan per part and column.
 */
export function buildCompletionCountsQuery(
  parts: readonly VisiblePart[],
  buckets: LocalDayBuckets,
): SqlQuery | null {
  if (parts.length === 0) return null;
  const from = new Date(buckets.boundaries[0]);
  const to = new Date(buckets.boundaries[buckets.boundaries.length - 1]);
  const selects: SqlQuery[] = [];
  for (const [kind, column] of [
    [CompletionKind.Created, 'created_at'],
    [CompletionKind.Completed, 'completed_at'],
  ] as const) {
    const day = localDaySql(`t.${column}`, buckets.offsets);
    for (const part of parts) {
      const indexes = part.projectIds ? [PROJECT_INDEX[column]] : ASSIGNEE_INDEXES;
      const where = merge(part.where, {
        conditions: ['t.deleted_at IS NULL', `t.${column} >= ?`, `t.${column} < ?`],
        params: [from, to],
      });
      selects.push({
        sql:
          `SELECT ${kind} AS kind, ${day.sql} AS day, COUNT(*) AS n ` +
          `FROM tasks t FORCE INDEX (${indexes.join(', ')}) ` +
          `WHERE ${where.conditions.join(' AND ')} GROUP BY day`,
        params: [...day.params, ...where.params],
      });
    }
  }
  return {
    sql:
      `SELECT v.kind, v.day, SUM(v.n) AS n FROM (${selects.map((s) => s.sql).join(' UNION ALL ')}) v ` +
      'GROUP BY v.kind, v.day',
    params: selects.flatMap((s) => s.params),
  };
}
