import { SqlQuery } from '../../common/database/sql';
import { merge } from '../listing/filters.sql';
import { ASSIGNEE_INDEXES, VisiblePart } from '../listing/visibility.sql';

/** TO_SECONDS('1970-01-01 00:00:00'): turns epoch seconds into TO_SECONDS values. */
const EPOCH_TO_SECONDS = 62_167_219_200;

/** What a row of the completion counts counts. */
export const CompletionKind = { Created: 1, Completed: 2 } as const;

/** The index that serves each column's range within projects (CreateProjects, AddTaskCompletedIndex). */
const PROJECT_INDEX = {
  created_at: 'idx_tasks_project_created',
  completed_at: 'idx_tasks_project_completed',
} as const;

/**
 * Tasks created and tasks completed per bucket, over the visible parts: rows of (kind, bucket,
 * n), bucket 0-based, only where n > 0. `boundaries` are the n + 1 ascending bucket edges (UTC
 * epoch ms, whole seconds). One range scan per part and column, each bucketed by `INTERVAL()`,
 * which binary-searches its constant list (instead of one subquery per bucket); TO_SECONDS reads
 * DATETIME as stored (UTC), whatever the session time zone.
 */
export function buildCompletionCountsQuery(
  parts: readonly VisiblePart[],
  boundaries: readonly number[],
): SqlQuery | null {
  if (parts.length === 0) return null;
  const starts = boundaries.slice(0, -1).map((ms) => ms / 1000 + EPOCH_TO_SECONDS);
  const from = new Date(boundaries[0]);
  const to = new Date(boundaries[boundaries.length - 1]);
  const list = starts.map(() => '?').join(', ');
  const selects: SqlQuery[] = [];
  for (const [kind, column] of [
    [CompletionKind.Created, 'created_at'],
    [CompletionKind.Completed, 'completed_at'],
  ] as const) {
    for (const part of parts) {
      const indexes = part.projectIds ? [PROJECT_INDEX[column]] : ASSIGNEE_INDEXES;
      const where = merge(part.where, {
        conditions: ['t.deleted_at IS NULL', `t.${column} >= ?`, `t.${column} < ?`],
        params: [from, to],
      });
      selects.push({
        sql:
          `SELECT ${kind} AS kind, INTERVAL(TO_SECONDS(t.${column}), ${list}) - 1 AS bucket, ` +
          `COUNT(*) AS n FROM tasks t FORCE INDEX (${indexes.join(', ')}) ` +
          `WHERE ${where.conditions.join(' AND ')} GROUP BY bucket`,
        params: [...starts, ...where.params],
      });
    }
  }
  return {
    sql:
      `SELECT v.kind, v.bucket, SUM(v.n) AS n FROM (${selects.map((s) => s.sql).join(' UNION ALL ')}) v ` +
      'GROUP BY v.kind, v.bucket',
    params: selects.flatMap((s) => s.params),
  };
}
