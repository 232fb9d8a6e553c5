import { parseRfc3339 } from '../common/validators/is-rfc3339.validator';
import { TASK_ROW_COLUMNS } from './dto/task-response.dto';
import type { ListTasksQuery } from './dto/list-tasks.query';
import { TaskRelation } from './task-counts';
import { SEARCH_TERM_PATTERN, searchDocSql } from './task-search';
import {
  DEFAULT_PAGE_SIZE,
  priorityCode,
  SortOrder,
  statusCode,
  TaskPriority,
  TaskScope,
  TaskSort,
  TASK_STATUSES,
  TaskStatus,
} from './task.constants';

/** The listing filters, parsed and typed (the query DTO has already validated every value). */
export interface TaskListFilters {
  scope: TaskScope;
  statuses?: TaskStatus[];
  priorities?: TaskPriority[];
  /** A user id, or `none` for unassigned tasks. */
  assignee?: number | 'none';
  /** Search terms; each must occur in the title or the description. */
  terms: string[];
  dueBefore?: Date;
  dueAfter?: Date;
  overdue?: boolean;
  sort: TaskSort;
  order: SortOrder;
}

export interface TaskListRequest {
  filters: TaskListFilters;
  page: number;
  pageSize: number;
}

export interface SqlQuery {
  sql: string;
  params: unknown[];
}

/** Turns the validated query string into filters, applying every documented default. */
export function parseListQuery(query: ListTasksQuery): TaskListRequest {
  const date = (value: string | undefined): Date | undefined =>
    value === undefined ? undefined : parseRfc3339(value);
  const terms = [...new Set((query.q ?? '').split(/\s+/).filter((t) => t.length > 0))];
  return {
    filters: {
      scope: query.scope ?? 'all',
      statuses: query.status ? [...new Set(query.status)] : undefined,
      priorities: query.priority ? [...new Set(query.priority)] : undefined,
      assignee:
        query.assignee_id === undefined
          ? undefined
          : query.assignee_id === 'none'
            ? 'none'
            : Number(query.assignee_id),
      terms,
      dueBefore: date(query.due_before),
      dueAfter: date(query.due_after),
      overdue: query.overdue === undefined ? undefined : query.overdue === 'true',
      sort: query.sort ?? 'created_at',
      order: query.order ?? 'desc',
    },
    page: query.page ?? 1,
    pageSize: query.page_size ?? DEFAULT_PAGE_SIZE,
  };
}

/** `%`, `_` and the escape character itself match literally (`LIKE ? ESCAPE '!'`). */
export function escapeLikeTerm(term: string): string {
  return term.replace(/[!%_]/g, (c) => `!${c}`);
}

/** One disjoint part of "what the caller may see": owned, or assigned to the caller. */
export interface Branch {
  conditions: string[];
  params: unknown[];
}

/**
 * The indexes (CreateTasks migration) each branch may use. Forcing the choice among them rules
 * out a full table scan, which the optimizer otherwise picks for a user owning ~10% of the table
 * when a filter (a LIKE search, `assignee_id IS NULL`) needs row reads anyway; within the set it
 * still chooses the index that fits the sort and filters.
 */
export const OWNER_INDEXES = [
  'idx_tasks_owner_created',
  'idx_tasks_owner_updated',
  'idx_tasks_owner_due',
  'idx_tasks_owner_priority',
  'idx_tasks_owner_title',
  'idx_tasks_owner_status',
];
export const ASSIGNEE_INDEXES = ['idx_tasks_assignee_created', 'idx_tasks_assignee_status'];

/** `tasks t` with the index set of the branch (told apart by its first condition). */
function fromTasks(branch: Branch): string {
  const indexes = branch.conditions[0].startsWith('t.user_id') ? OWNER_INDEXES : ASSIGNEE_INDEXES;
  return `tasks t FORCE INDEX (${indexes.join(', ')})`;
}

/**
 * The caller's visible rows matching the scope and the assignee filter, as disjoint branches.
 * Each branch is served by an index starting with (user_id, deleted_at) or (assignee_id,
 * deleted_at); an OR across both columns would defeat ordered index reads. Branches that cannot
 * match anything are left out (e.g. `assignee_id=none` never matches "assigned to me").
 */
export function visibilityBranches(userId: number, filters: TaskListFilters): Branch[] {
  const branches: Branch[] = [];
  const { scope, assignee } = filters;
  if (scope !== 'assigned') {
    const owned: Branch = { conditions: ['t.user_id = ?'], params: [userId] };
    if (assignee === 'none') owned.conditions.push('t.assignee_id IS NULL');
    else if (assignee !== undefined) {
      owned.conditions.push('t.assignee_id = ?');
      owned.params.push(assignee);
    }
    branches.push(owned);
  }
  if (scope !== 'owned' && (assignee === undefined || assignee === userId)) {
    // With scope=all, tasks the caller owns are already in the owned branch.
    branches.push(
      scope === 'all'
        ? { conditions: ['t.assignee_id = ?', 't.user_id <> ?'], params: [userId, userId] }
        : { conditions: ['t.assignee_id = ?'], params: [userId] },
    );
  }
  return branches;
}

/**
 * The relations (task_counts' and task_search's codes) whose union equals the visibility
 * branches of a scope with no assignee filter, `assignee_id=none` or the caller's own id. The
 * equivalence, branch by branch (relations: 1 owned unassigned, 2 owned assigned to another,
 * 3 owned assigned to self, 4 assigned to me by another):
 * - owned `user_id = me` = {1, 2, 3}; with `assignee_id IS NULL` = {1}; with `= me` = {3};
 * - assigned with scope=all `assignee_id = me AND user_id <> me` = {4};
 * - assigned with scope=assigned `assignee_id = me` = {3, 4}.
 * An empty list means no branch (e.g. scope=assigned with assignee_id=none): nothing matches.
 */
function relationsOf(scope: TaskScope, assignee: 'none' | 'me' | undefined): TaskRelation[] {
  const relations = new Set<TaskRelation>();
  if (scope !== 'assigned') {
    if (assignee === undefined) {
      relations.add(TaskRelation.OwnedUnassigned);
      relations.add(TaskRelation.OwnedAssignedOther);
      relations.add(TaskRelation.OwnedAssignedSelf);
    } else if (assignee === 'none') relations.add(TaskRelation.OwnedUnassigned);
    else relations.add(TaskRelation.OwnedAssignedSelf);
  }
  if (scope !== 'owned' && assignee !== 'none') {
    relations.add(TaskRelation.AssignedByOther);
    if (scope === 'assigned') relations.add(TaskRelation.OwnedAssignedSelf);
  }
  return [...relations].sort((a, b) => a - b);
}

/**
 * The task_counts relations whose sum equals the visibility branches (see `relationsOf`), or
 * null when the filters need the rows (search terms, due dates, overdue, or an assignee other
 * than the caller).
 */
export function counterRelations(userId: number, filters: TaskListFilters): TaskRelation[] | null {
  const { assignee } = filters;
  if (filters.terms.length > 0 || filters.dueBefore || filters.dueAfter) return null;
  if (filters.overdue !== undefined) return null;
  if (typeof assignee === 'number' && assignee !== userId) return null;
  return relationsOf(filters.scope, typeof assignee === 'number' ? 'me' : assignee);
}

/**
 * The task_search rows of the caller that the scope and assignee filter select: a relation set,
 * plus `t.assignee_id = ?` for an assignee other than the caller (only tasks the caller owns
 * can be assigned to someone else: relation 2).
 */
export function searchScope(
  userId: number,
  filters: TaskListFilters,
): { relations: TaskRelation[]; assigneeId?: number } {
  const { scope, assignee } = filters;
  if (typeof assignee !== 'number') return { relations: relationsOf(scope, assignee) };
  if (assignee === userId) return { relations: relationsOf(scope, 'me') };
  return {
    relations: scope === 'assigned' ? [] : [TaskRelation.OwnedAssignedOther],
    assigneeId: assignee,
  };
}

/**
 * `buildCountQuery` answered from task_counts: at most 36 primary-key rows of the caller,
 * whatever the number of tasks. Null when the filters are not counter-answerable.
 */
export function buildCounterCountQuery(userId: number, filters: TaskListFilters): SqlQuery | null {
  const relations = counterRelations(userId, filters);
  if (relations === null) return null;
  if (relations.length === 0) return { sql: 'SELECT 0 AS total', params: [] };
  const conditions = ['user_id = ?', `relation IN (${relations.join(', ')})`];
  const params: unknown[] = [userId];
  if (filters.statuses?.length) {
    conditions.push(`status IN (${filters.statuses.map(() => '?').join(', ')})`);
    params.push(...filters.statuses.map(statusCode));
  }
  if (filters.priorities?.length) {
    conditions.push(`priority IN (${filters.priorities.map(() => '?').join(', ')})`);
    params.push(...filters.priorities.map(priorityCode));
  }
  return {
    sql: `SELECT COALESCE(SUM(n), 0) AS total FROM task_counts WHERE ${conditions.join(' AND ')}`,
    params,
  };
}

/**
 * The conditions on `tasks t` of every filter but the search terms: live rows, status,
 * priority, due dates. `now` decides `overdue`.
 */
export function rowConditions(filters: TaskListFilters, now: Date): Branch {
  const conditions = ['t.deleted_at IS NULL'];
  const params: unknown[] = [];
  if (filters.statuses?.length) {
    conditions.push(`t.status IN (${filters.statuses.map(() => '?').join(', ')})`);
    params.push(...filters.statuses.map(statusCode));
  }
  if (filters.priorities?.length) {
    conditions.push(`t.priority IN (${filters.priorities.map(() => '?').join(', ')})`);
    params.push(...filters.priorities.map(priorityCode));
  }
  if (filters.dueBefore) {
    conditions.push('t.due_date < ?');
    params.push(filters.dueBefore);
  }
  if (filters.dueAfter) {
    conditions.push('t.due_date > ?');
    params.push(filters.dueAfter);
  }
  const completed = statusCode('completed');
  if (filters.overdue === true) {
    // `status IN (open statuses)` rather than `<> completed`: a range the *_status index serves.
    const open = TASK_STATUSES.filter((s) => s !== 'completed').map(statusCode);
    conditions.push('t.due_date < ?', `t.status IN (${open.join(', ')})`);
    params.push(now);
  } else if (filters.overdue === false) {
    conditions.push(`(t.due_date IS NULL OR t.due_date >= ? OR t.status = ${completed})`);
    params.push(now);
  }
  return { conditions, params };
}

/**
 * Conditions every branch shares: `rowConditions` and each search term, matched on the task's
 * row with the same lower-cased byte comparison task_search uses, so both give the same
 * answer. The listing searches task_search (`buildSearchCountQuery`, `buildSearchIdsQuery`);
 * this form serves the export, which reads every match in batches anyway.
 */
export function filterConditions(filters: TaskListFilters, now: Date): Branch {
  const { conditions, params } = rowConditions(filters, now);
  const doc = searchDocSql('t.title', 't.description');
  for (const term of filters.terms) {
    conditions.push(`${doc} LIKE ${SEARCH_TERM_PATTERN}`);
    params.push(escapeLikeTerm(term));
  }
  return { conditions, params };
}

export const SORT_COLUMNS: Readonly<Record<TaskSort, string>> = {
  created_at: 'created_at',
  updated_at: 'updated_at',
  due_date: 'due_date',
  priority: 'priority',
  title: 'title',
};

/** `FROM … WHERE …` of one branch with the shared filters. */
export function branchWhere(branch: Branch, shared: Branch): SqlQuery {
  return {
    sql: `${fromTasks(branch)} WHERE ${[...branch.conditions, ...shared.conditions].join(' AND ')}`,
    params: [...branch.params, ...shared.params],
  };
}

/**
 * The ids of one page, in order. With two branches each branch yields its first
 * `offset + limit` rows in index order and the outer query merges them; a single branch is a
 * plain ordered, limited read.
 */
export function buildListIdsQuery(
  userId: number,
  request: TaskListRequest,
  now: Date,
): SqlQuery | null {
  const { filters, page, pageSize } = request;
  const branches = visibilityBranches(userId, filters);
  if (branches.length === 0) return null;
  const shared = filterConditions(filters, now);
  const column = SORT_COLUMNS[filters.sort];
  const dir = filters.order === 'asc' ? 'ASC' : 'DESC';
  const offset = (page - 1) * pageSize;

  if (branches.length === 1) {
    const where = branchWhere(branches[0], shared);
    return {
      sql: `SELECT t.id FROM ${where.sql} ORDER BY t.${column} ${dir}, t.id ${dir} LIMIT ? OFFSET ?`,
      params: [...where.params, pageSize, offset],
    };
  }
  const parts = branches.map((branch) => branchWhere(branch, shared));
  const union = parts
    .map(
      (part) =>
        `(SELECT t.id, t.${column} AS sort_value FROM ${part.sql} ORDER BY t.${column} ${dir}, t.id ${dir} LIMIT ?)`,
    )
    .join(' UNION ALL ');
  return {
    sql: `SELECT v.id FROM (${union}) v ORDER BY v.sort_value ${dir}, v.id ${dir} LIMIT ? OFFSET ?`,
    params: [...parts.flatMap((part) => [...part.params, offset + pageSize]), pageSize, offset],
  };
}

/**
 * The number of matches of the filters (`X-Total-Count`), summed over the disjoint branches by
 * reading the rows; TasksRepository uses it only when `buildCounterCountQuery` cannot answer.
 */
export function buildCountQuery(
  userId: number,
  filters: TaskListFilters,
  now: Date,
): SqlQuery | null {
  const branches = visibilityBranches(userId, filters);
  if (branches.length === 0) return null;
  const shared = filterConditions(filters, now);
  const parts = branches.map((branch) => branchWhere(branch, shared));
  return {
    sql: `SELECT ${parts.map((part) => `(SELECT COUNT(*) FROM ${part.sql})`).join(' + ')} AS total`,
    params: parts.flatMap((part) => part.params),
  };
}

/**
 * True when the filters beyond the search terms are only the scope and an assignee filter
 * task_search's relation answers alone (none, `none`, the caller): then the count, and a page in
 * created_at order, never read `tasks`.
 */
function searchAlone(userId: number, filters: TaskListFilters): boolean {
  return (
    !filters.statuses?.length &&
    !filters.priorities?.length &&
    !filters.dueBefore &&
    !filters.dueAfter &&
    filters.overdue === undefined &&
    searchScope(userId, filters).assigneeId === undefined
  );
}

/**
 * `FROM … WHERE …` over the caller's task_search rows (alias `s`) matching the scope and every
 * term; with `join`, each joined to its task (`t`) for the other filters. STRAIGHT_JOIN keeps
 * task_search first: the caller's rows are one primary-key range, where `tasks` has no index
 * for a search, and each match then costs one primary-key read of its task.
 */
function searchWhere(
  userId: number,
  filters: TaskListFilters,
  now: Date,
  join: boolean,
): SqlQuery | null {
  const { relations, assigneeId } = searchScope(userId, filters);
  if (relations.length === 0) return null;
  const conditions = ['s.user_id = ?', `s.relation IN (${relations.join(', ')})`];
  const params: unknown[] = [userId];
  for (const term of filters.terms) {
    conditions.push(`s.doc LIKE ${SEARCH_TERM_PATTERN}`);
    params.push(escapeLikeTerm(term));
  }
  if (!join) return { sql: `task_search s WHERE ${conditions.join(' AND ')}`, params };
  const rows = rowConditions(filters, now);
  conditions.push(...rows.conditions);
  params.push(...rows.params);
  if (assigneeId !== undefined) {
    conditions.push('t.assignee_id = ?');
    params.push(assigneeId);
  }
  return {
    sql: `task_search s STRAIGHT_JOIN tasks t ON t.id = s.task_id WHERE ${conditions.join(' AND ')}`,
    params,
  };
}

/** `X-Total-Count` of a search (`filters.terms` non-empty), from task_search. */
export function buildSearchCountQuery(
  userId: number,
  filters: TaskListFilters,
  now: Date,
): SqlQuery | null {
  const where = searchWhere(userId, filters, now, !searchAlone(userId, filters));
  return where && { sql: `SELECT COUNT(*) AS total FROM ${where.sql}`, params: where.params };
}

/**
 * The ids of one page of a search, in order. In created_at order it reads the caller's
 * task_search rows in primary-key order (the same order as `t.created_at, t.id`) and stops
 * after the page, joining each match to its task only when another filter needs the row; any
 * other sort joins every match for its sort column.
 */
export function buildSearchIdsQuery(
  userId: number,
  request: TaskListRequest,
  now: Date,
): SqlQuery | null {
  const { filters, page, pageSize } = request;
  const where = searchWhere(
    userId,
    filters,
    now,
    !searchAlone(userId, filters) || filters.sort !== 'created_at',
  );
  if (!where) return null;
  const dir = filters.order === 'asc' ? 'ASC' : 'DESC';
  const order =
    filters.sort === 'created_at'
      ? `s.created_at ${dir}, s.task_id ${dir}`
      : `t.${SORT_COLUMNS[filters.sort]} ${dir}, t.id ${dir}`;
  return {
    sql: `SELECT s.task_id AS id FROM ${where.sql} ORDER BY ${order} LIMIT ? OFFSET ?`,
    params: [...where.params, pageSize, (page - 1) * pageSize],
  };
}

/**
 * The query TasksRepository.count runs for `X-Total-Count`: task_search for a search,
 * task_counts when the filters allow, otherwise a count of the rows. Null: nothing can match.
 */
export function buildTotalQuery(
  userId: number,
  filters: TaskListFilters,
  now: Date,
): SqlQuery | null {
  if (filters.terms.length > 0) return buildSearchCountQuery(userId, filters, now);
  return buildCounterCountQuery(userId, filters) ?? buildCountQuery(userId, filters, now);
}

/** The query TasksRepository.listPage runs for the ids of a page. Null: nothing can match. */
export function buildPageQuery(
  userId: number,
  request: TaskListRequest,
  now: Date,
): SqlQuery | null {
  return request.filters.terms.length > 0
    ? buildSearchIdsQuery(userId, request, now)
    : buildListIdsQuery(userId, request, now);
}

/**
 * The rows of one page in a single round trip: the page's id query as a derived table, joined
 * to tasks by primary key (visibility checked again on the row) and put back in the requested
 * order, which is total (ties broken by id), so it is the id query's own order.
 */
export function buildPageRowsQuery(
  userId: number,
  request: TaskListRequest,
  now: Date,
): SqlQuery | null {
  const page = buildPageQuery(userId, request, now);
  if (!page) return null;
  const { sort, order } = request.filters;
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const columns = TASK_ROW_COLUMNS.map((name) => `t.${name}`).join(', ');
  return {
    sql:
      `SELECT ${columns} FROM (${page.sql}) page JOIN tasks t ON t.id = page.id ` +
      'WHERE t.deleted_at IS NULL AND (t.user_id = ? OR t.assignee_id = ?) ' +
      `ORDER BY t.${SORT_COLUMNS[sort]} ${dir}, t.id ${dir}`,
    params: [...page.params, userId, userId],
  };
}

/** Counts by status and priority, overdue and total over the caller's visible live tasks. */
export function buildStatsQuery(userId: number, now: Date): SqlQuery {
  const filters: TaskListFilters = {
    scope: 'all',
    terms: [],
    sort: 'created_at',
    order: 'desc',
  };
  const shared = filterConditions(filters, now);
  const parts = visibilityBranches(userId, filters).map((branch) => branchWhere(branch, shared));
  const union = parts
    .map((part) => `SELECT t.status, t.priority, t.due_date FROM ${part.sql}`)
    .join(' UNION ALL ');
  const [pending, inProgress, completed] = [
    statusCode('pending'),
    statusCode('in_progress'),
    statusCode('completed'),
  ];
  const [low, medium, high] = [priorityCode('low'), priorityCode('medium'), priorityCode('high')];
  return {
    sql:
      'SELECT COUNT(*) AS total, ' +
      `COALESCE(SUM(v.status = ${pending}), 0) AS pending, ` +
      `COALESCE(SUM(v.status = ${inProgress}), 0) AS in_progress, ` +
      `COALESCE(SUM(v.status = ${completed}), 0) AS completed, ` +
      `COALESCE(SUM(v.priority = ${low}), 0) AS low, ` +
      `COALESCE(SUM(v.priority = ${medium}), 0) AS medium, ` +
      `COALESCE(SUM(v.priority = ${high}), 0) AS high, ` +
      `COALESCE(SUM(v.due_date < ? AND v.status <> ${completed}), 0) AS overdue ` +
      `FROM (${union}) v`,
    params: [now, ...parts.flatMap((part) => part.params)],
  };
}
