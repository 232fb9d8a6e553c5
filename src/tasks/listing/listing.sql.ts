import { placeholders, SqlQuery } from '../../common/database/sql';
import { TASK_ROW_COLUMNS } from '../dto/task-response.dto';
import type { TaskListFilters, TaskListRequest, Viewer } from './task-list-request';
import type { TaskSort } from '../domain/task.constants';
import {
  allRowConditions,
  assigneeConditions,
  Conditions,
  merge,
  rowConditions,
  termConditions,
} from './filters.sql';
import { VisiblePart, visibleParts } from './visibility.sql';

export const SORT_COLUMNS: Readonly<Record<TaskSort, string>> = {
  created_at: 'created_at',
  updated_at: 'updated_at',
  due_date: 'due_date',
  priority: 'priority',
  title: 'title',
};

/**
 * Where one part's matching ids come from: `tasks t` (through the part's indexes), or for a
 * search over whole projects their task_search rows (`s`), joined to `tasks t` only when
 * another filter or the sort needs the row.
 */
export interface Source {
  from: string;
  where: Conditions;
  /** The id expression, and the sort column's. */
  id: string;
  sort: string;
}

function tasksFrom(part: VisiblePart): string {
  return part.indexes ? `tasks t FORCE INDEX (${part.indexes.join(', ')})` : 'tasks t';
}

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

/** A part read from `tasks t` alone, every filter (search terms included) on the row. */
export function rowSourceOf(part: VisiblePart, filters: TaskListFilters, now: Date): Source {
  return {
    from: tasksFrom(part),
    where: merge(part.where, allRowConditions(filters, now)),
    id: 't.id',
    sort: `t.${SORT_COLUMNS[filters.sort]}`,
  };
}

/**
 * For each name of the `label` filter, the labels that tasks of the part can carry (a task
 * carries labels of its own project only); null when the filter has no label for some name
 * there, so the part cannot match.
 */
export function partLabelIds(part: VisiblePart, filters: TaskListFilters): number[][] | null {
  const matches = filters.labelMatches;
  if (!matches) throw new Error('the label filter was not resolved (resolveLabelFilter)');
  const inPart = part.projectIds && new Set(part.projectIds);
  const ids = matches.map((labels) =>
    labels.filter((label) => !inPart || inPart.has(label.projectId)).map((label) => label.id),
  );
  return ids.some((list) => list.length === 0) ? null : ids;
}

/**
 * A part under the `label` filter, read from the tasks carrying the first name's label (the
 * (label_id, task_id) index), each joined to its row by primary key; the other names are
 * EXISTS probes of task_labels' primary key. The cost follows the number of tasks carrying
 * that label, not the size of the project, for the count as for a page (sorted after the
 * read). Search terms are matched on the rows. Null when the part cannot match.
 */
export function labelSourceOf(
  part: VisiblePart,
  filters: TaskListFilters,
  now: Date,
): Source | null {
  const ids = partLabelIds(part, filters);
  if (!ids) return null;
  const [first, ...others] = ids;
  const carries = others.map((labels, i): Conditions => ({
    conditions: [
      `EXISTS (SELECT 1 FROM task_labels tl${i + 1} WHERE tl${i + 1}.task_id = t.id AND ` +
        `tl${i + 1}.label_id IN (${placeholders(labels.length)}))`,
    ],
    params: labels,
  }));
  return {
    from: 'task_labels tl STRAIGHT_JOIN tasks t ON t.id = tl.task_id',
    where: merge(
      { conditions: [`tl.label_id IN (${placeholders(first.length)})`], params: first },
      part.where,
      allRowConditions(filters, now),
      ...carries,
    ),
    id: 't.id',
    sort: `t.${SORT_COLUMNS[filters.sort]}`,
  };
}

/** The source of one part, for the listing and its count (null: the part cannot match). */
export function sourceOf(part: VisiblePart, filters: TaskListFilters, now: Date): Source | null {
  const column = `t.${SORT_COLUMNS[filters.sort]}`;
  if (filters.labels?.length) return labelSourceOf(part, filters, now);
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

export function listingSources(viewer: Viewer, filters: TaskListFilters, now: Date): Source[] {
  return visibleParts(viewer, filters)
    .map((part) => sourceOf(part, filters, now))
    .filter((source): source is Source => source !== null);
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

/** The number of matches: the sum of the disjoint sources' counts. */
export function buildSourcesCountQuery(sources: readonly Source[]): SqlQuery | null {
  if (sources.length === 0) return null;
  return {
    sql: `SELECT ${sources.map((s) => `(SELECT COUNT(*) FROM ${s.from} WHERE ${whereOf(s.where)})`).join(' + ')} AS total`,
    params: sources.flatMap((s) => s.where.params),
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
): SqlQuery | null {
  const { filters, page, pageSize } = request;
  const ids = buildIdsQuery(
    listingSources(viewer, filters, now),
    filters,
    (page - 1) * pageSize,
    pageSize,
  );
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
