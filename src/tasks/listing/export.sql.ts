import type { SqlQuery } from '../../common/database/sql';
import { TASK_ROW_COLUMNS } from '../dto/task-response.dto';
import type { TaskListFilters, Viewer } from './task-list-request';
import { labelDrivenSource, partLabelIds } from './labels.sql';
import { rowSourceOf, SORT_COLUMNS, Source } from './source';
import { visibleParts } from './visibility.sql';

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
 * range on the part index's sort column, so each batch starts where the previous one ended
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
 * The next `limit` visible rows after `cursor` (or the first ones), in the listing's order, read
 * from `tasks` (an export reads every match anyway, so a search is matched on the rows). With
 * several parts each yields its next `limit` rows and the outer query merges them, as the
 * listing does; memory and work per batch stay constant whatever the total.
 */
export function buildExportBatchQuery(
  viewer: Viewer,
  filters: TaskListFilters,
  now: Date,
  cursor: ExportCursor | null,
  limit: number,
): SqlQuery | null {
  const column = SORT_COLUMNS[filters.sort];
  const descending = filters.order !== 'asc';
  const dir = descending ? 'DESC' : 'ASC';
  const sources = visibleParts(viewer, filters).flatMap((part): Source[] => {
    let source = rowSourceOf(part, filters, now);
    if (filters.labels?.length) {
      // The label's tasks, sorted: a batch's cost follows their number (an export reads them
      // all anyway).
      const ids = partLabelIds(part, filters);
      if (!ids) return [];
      source = labelDrivenSource({ part, ids }, filters, now);
    }
    if (!cursor) return [source];
    const keyset = keysetCondition(column, descending, cursor);
    return [
      {
        ...source,
        where: {
          conditions: [...source.where.conditions, keyset.sql],
          params: [...source.where.params, ...keyset.params],
        },
      },
    ];
  });
  if (sources.length === 0) return null;
  const columns = TASK_ROW_COLUMNS.map((name) => `t.${name}`).join(', ');
  const select = (s: Source): string =>
    `SELECT ${columns} FROM ${s.from} WHERE ${s.where.conditions.join(' AND ')} ` +
    `ORDER BY t.${column} ${dir}, t.id ${dir} LIMIT ?`;
  if (sources.length === 1) {
    return { sql: select(sources[0]), params: [...sources[0].where.params, limit] };
  }
  return {
    sql: `SELECT v.* FROM (${sources.map((s) => `(${select(s)})`).join(' UNION ALL ')}) v ORDER BY v.${column} ${dir}, v.id ${dir} LIMIT ?`,
    params: [...sources.flatMap((s) => [...s.where.params, limit]), limit],
  };
}
