import { placeholders, SqlQuery } from '../../common/database/sql';
import { TASK_ROW_COLUMNS } from '../dto/task-response.dto';
import type { TaskListFilters, TaskListRequest, Viewer } from './task-list-request';
import {
  assigneeConditions,
  Conditions,
  merge,
  rowConditions,
  termConditions,
} from './filters.sql';
import { labelCountSources, labelPageSources } from './labels.sql';
import { rowSourceOf, SORT_COLUMNS, Source } from './source';
import { VisiblePart, visibleParts } from './visibility.sql';

export { rowSourceOf, SORT_COLUMNS };
export type { Source };

/**
 * True when the filters beyond the search terms need nothing task_search lacks: it holds live
 * tasks only, with their project and creation time, so a status, priority, date or assignee
 * filter, or another sort, needs the task row.
 */
function searchAlone(filters: TaskListFilters): boolean {
  return (
    !filters.statuses?.length &&
    !filters.priorities?.length &&
    !filters.dueBefore &&
    !filters.dueAfter &&
    filters.overdue === undefined &&
    filters.assignee === undefined &&
    filters.sort === 'created_at'
  );
}

/** The source of one part, for the listing and its count (without a label filter). */
export function sourceOf(part: VisiblePart, filters: TaskListFilters, now: Date): Source {
  const column = `t.${SORT_COLUMNS[filters.sort]}`;
  if (filters.terms.length === 0 || !part.projectIds) return rowSourceOf(part, filters, now);
  // A search over whole projects reads their task_search rows: one primary-key range per
  // project, in created_at order, where `tasks` has no index for a substring.
  const ids = part.projectIds;
  const scope: Conditions =
    ids.length === 1
      ? { conditions: ['s.project_id = ?'], params: [ids[0]] }
      : { conditions: [`s.project_id IN (${placeholders(ids.length)})`], params: [...ids] };
  const terms = termConditions('s.doc', filters.terms);
  if (searchAlone(filters)) {
    return {
      from: 'task_search s',
      where: merge(scope, terms),
      id: 's.task_id',
      sort: 's.created_at',
    };
  }
  // STRAIGHT_JOIN keeps task_search first: each match then costs one primary-key read of its
  // task, instead of a scan of the project's tasks for the substring.
  return {
    from: 'task_search s STRAIGHT_JOIN tasks t ON t.id = s.task_id',
    where: merge(scope, terms, rowConditions(filters, now), assigneeConditions(filters)),
    id: 's.task_id',
    sort: filters.sort === 'created_at' ? 's.created_at' : column,
  };
}

/**
 * The sources of the matches, disjoint, for counting them (and, without a label filter, for a
 * page: with one, a page's plan depends on each part's count, see labelPageSources).
 */
export function listingSources(viewer: Viewer, filters: TaskListFilters, now: Date): Source[] {
  if (filters.labels?.length) return labelCountSources(viewer, filters, now);
  return visibleParts(viewer, filters).map((part) => sourceOf(part, filters, now));
}

const whereOf = (c: Conditions): string => c.conditions.join(' AND ');

/**
 * The ids of one page, in order. With several sources each yields its first `offset + limit`
 * rows in index order and the outer query merges them; a single source is a plain ordered,
 * limited read.
 */
export function buildIdsQuery(
  sources: readonly Source[],
  filters: TaskListFilters,
  offset: number,
  limit: number,
): SqlQuery | null {
  if (sources.length === 0) return null;
  const dir = filters.order === 'asc' ? 'ASC' : 'DESC';
  if (sources.length === 1) {
    const [s] = sources;
    return {
      sql: `SELECT ${s.id} AS id FROM ${s.from} WHERE ${whereOf(s.where)} ORDER BY ${s.sort} ${dir}, ${s.id} ${dir} LIMIT ? OFFSET ?`,
      params: [...s.where.params, limit, offset],
    };
  }
  const union = sources
    .map(
      (s) =>
        `(SELECT ${s.id} AS id, ${s.sort} AS sort_value FROM ${s.from} WHERE ${whereOf(s.where)} ORDER BY ${s.sort} ${dir}, ${s.id} ${dir} LIMIT ?)`,
    )
    .join(' UNION ALL ');
  return {
    sql: `SELECT v.id FROM (${union}) v ORDER BY v.sort_value ${dir}, v.id ${dir} LIMIT ? OFFSET ?`,
    params: [...sources.flatMap((s) => [...s.where.params, offset + limit]), limit, offset],
  };
}

/** The sum of the disjoint sources' counts, as an expression of scalar subqueries (≥ 1 source). */
export function sourcesCountExpression(sources: readonly Source[]): SqlQuery {
  return {
    sql: sources
      .map((s) => `(SELECT COUNT(*) FROM ${s.from} WHERE ${whereOf(s.where)})`)
      .join(' + '),
    params: sources.flatMap((s) => s.where.params),
  };
}

/** The number of matches: the sum of the disjoint sources' counts. */
export function buildSourcesCountQuery(sources: readonly Source[]): SqlQuery | null {
  if (sources.length === 0) return null;
  const sum = sourcesCountExpression(sources);
  return { sql: `SELECT ${sum.sql} AS total`, params: sum.params };
}

/**
 * A search count that TaskSearchCounts serves by task_search bucket: the matches in the whole
 * projects `projectIds` (task_search alone), plus `others`, the count expression of the
 * listing's other parts (read from `tasks`).
 */
export interface SearchCountPlan {
  projectIds: number[];
  terms: readonly string[];
  others: SqlQuery | null;
}

/**
 * The plan of a search count whose project parts need nothing but task_search (no filter or
 * sort that needs the task row, no label filter); null otherwise, or when no part is a whole
 * project's. The parts are listingSources' own, so the sum is the same count.
 */
export function searchCountPlan(
  viewer: Viewer,
  filters: TaskListFilters,
  now: Date,
): SearchCountPlan | null {
  if (filters.terms.length === 0 || filters.labels?.length || !searchAlone(filters)) return null;
  const parts = visibleParts(viewer, filters);
  const projectIds = parts.flatMap((part) => part.projectIds ?? []);
  if (projectIds.length === 0) return null;
  const others = parts
    .filter((part) => !part.projectIds)
    .map((part) => sourceOf(part, filters, now));
  return {
    projectIds,
    terms: filters.terms,
    others: others.length > 0 ? sourcesCountExpression(others) : null,
  };
}

/**
 * The rows of one page in a single round trip: the page's id query as a derived table, joined
 * to tasks by primary key and put back in the requested order, which is total (ties broken by
 * id), so it is the id query's own order.
 */
export function buildPageRowsQuery(
  viewer: Viewer,
  request: TaskListRequest,
  now: Date,
  labelCounts?: readonly number[],
): SqlQuery | null {
  const { filters, page, pageSize } = request;
  let sources: Source[];
  if (filters.labels?.length) {
    if (!labelCounts) throw new Error("a label filter needs the parts' counts (labelPartCounts)");
    sources = labelPageSources(viewer, filters, now, labelCounts);
  } else {
    sources = listingSources(viewer, filters, now);
  }
  const ids = buildIdsQuery(sources, filters, (page - 1) * pageSize, pageSize);
  if (!ids) return null;
  const dir = filters.order === 'asc' ? 'ASC' : 'DESC';
  const columns = TASK_ROW_COLUMNS.map((name) => `t.${name}`).join(', ');
  return {
    sql:
      `SELECT ${columns} FROM (${ids.sql}) page JOIN tasks t ON t.id = page.id ` +
      `WHERE t.deleted_at IS NULL ORDER BY t.${SORT_COLUMNS[filters.sort]} ${dir}, t.id ${dir}`,
    params: ids.params,
  };
}
