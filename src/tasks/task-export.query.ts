import { TASK_ROW_COLUMNS } from './dto/task-response.dto';
import {
  branchWhere,
  filterConditions,
  SORT_COLUMNS,
  SqlQuery,
  TaskListFilters,
  visibilityBranches,
} from './task-list.query';

/** The last row of the previous batch: where the next one starts (keyset pagination). */
export interface ExportCursor {
  /** The raw value of the sort column in that row (a code, a string, a Date or null). */
  sortValue: unknown;
  id: number;
}

/** Only `due_date` may be NULL among the sort columns; MySQL sorts NULL first ascending. */
const NULLABLE_SORTS = new Set(['due_date']);

/**
 * "Strictly after the cursor" in `ORDER BY c dir, id dir`. The leading `c >= ?` / `c <= ?` is a
 * range on the branch index's sort column, so each batch starts where the previous one ended
 * instead of re-reading the rows before it (an OR alone would defeat the range).
 */
export function keysetCondition(
  column: string,
  descending: boolean,
  cursor: ExportCursor,
): SqlQuery {
  const c = `t.${column}`;
  const nullable = NULLABLE_SORTS.has(column);
  if (cursor.sortValue === null || cursor.sortValue === undefined) {
    // NULLs come first ascending (then every non-NULL row), last descending.
    return descending
      ? { sql: `(${c} IS NULL AND t.id < ?)`, params: [cursor.id] }
      : { sql: `((${c} IS NULL AND t.id > ?) OR ${c} IS NOT NULL)`, params: [cursor.id] };
  }
  const v = cursor.sortValue;
  if (descending) {
    const after = `(${c} <= ? AND (${c} < ? OR t.id < ?))`;
    return {
      sql: nullable ? `(${after} OR ${c} IS NULL)` : after,
      params: [v, v, cursor.id],
    };
  }
  return { sql: `(${c} >= ? AND (${c} > ? OR t.id > ?))`, params: [v, v, cursor.id] };
}

/**
 * The next `limit` visible rows after `cursor` (or the first ones), in the listing's order.
 * With two visibility branches each yields its next `limit` rows and the outer query merges
 * them, as the listing does; memory and work per batch stay constant whatever the total.
 */
export function buildExportBatchQuery(
  userId: number,
  filters: TaskListFilters,
  now: Date,
  cursor: ExportCursor | null,
  limit: number,
): SqlQuery | null {
  const branches = visibilityBranches(userId, filters);
  if (branches.length === 0) return null;
  const shared = filterConditions(filters, now);
  const column = SORT_COLUMNS[filters.sort];
  const descending = filters.order !== 'asc';
  const dir = descending ? 'DESC' : 'ASC';
  if (cursor) {
    const keyset = keysetCondition(column, descending, cursor);
    shared.conditions.push(keyset.sql);
    shared.params.push(...keyset.params);
  }
  const columns = TASK_ROW_COLUMNS.map((name) => `t.${name}`).join(', ');
  const parts = branches.map((branch) => branchWhere(branch, shared));
  if (parts.length === 1) {
    return {
      sql: `SELECT ${columns} FROM ${parts[0].sql} ORDER BY t.${column} ${dir}, t.id ${dir} LIMIT ?`,
      params: [...parts[0].params, limit],
    };
  }
  const union = parts
    .map(
      (part) =>
        `(SELECT ${columns} FROM ${part.sql} ORDER BY t.${column} ${dir}, t.id ${dir} LIMIT ?)`,
    )
    .join(' UNION ALL ');
  return {
    sql: `SELECT v.* FROM (${union}) v ORDER BY v.${column} ${dir}, v.id ${dir} LIMIT ?`,
    params: [...parts.flatMap((part) => [...part.params, limit]), limit],
  };
}
