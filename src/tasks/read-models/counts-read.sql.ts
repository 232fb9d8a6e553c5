import { placeholders, SqlQuery } from '../../common/database/sql';
import type { TaskListFilters, Viewer } from '../listing/task-list-request';
import { priorityCode, statusCode } from '../domain/task.constants';
import { CountKind } from './counts.sql';

/**
 * The reads of task_counts: X-Total-Count and the stats' totals as sums of cells (see
 * counts.sql.ts for what a cell counts).
 */

/** One sum of cells: a kind and subject, project conditions, an optional unassigned flag. */
interface CellSum {
  kind: CountKind;
  subjectId: number;
  inProjects?: readonly number[];
  notInProjects?: readonly number[];
  unassigned?: 0 | 1;
}

/**
 * The cell sums equal to the visible tasks the filters select, or null when the filters need
 * the rows (search terms, labels, due dates, overdue, `scope=owned`, or an assignee other than the
 * caller). The equivalences (P: the caller's projects, F: the project filter):
 * - scope=all: the projects in P∩F (kind 1), plus the caller's assigned tasks outside P (kind
 *   2; within F); with `assignee_id=none` only the unassigned project cells; with the caller's
 *   own id, all of the caller's assigned tasks (all of them are visible).
 * - scope=assigned: the caller's assigned tasks (within F).
 */
function cellSums(viewer: Viewer, filters: TaskListFilters): CellSum[] | null {
  if (filters.terms.length > 0 || filters.dueBefore || filters.dueAfter) return null;
  if (filters.labels?.length) return null;
  if (filters.overdue !== undefined || filters.scope === 'owned') return null;
  const me = viewer.userId;
  const { assignee } = filters;
  if (typeof assignee === 'number' && assignee !== me) return null;
  const f = filters.projectIds;
  const mine: CellSum = { kind: CountKind.Assigned, subjectId: me, inProjects: f };
  if (filters.scope === 'assigned') return assignee === 'none' ? [] : [mine];
  if (assignee === me) return [mine];
  const only = f && new Set(f);
  const projects = only ? viewer.projectIds.filter((id) => only.has(id)) : viewer.projectIds;
  const sums: CellSum[] = [];
  if (projects.length > 0) {
    sums.push({
      kind: CountKind.Project,
      subjectId: 0,
      inProjects: projects,
      unassigned: assignee === 'none' ? 1 : undefined,
    });
  }
  if (assignee === undefined) {
    sums.push({
      ...mine,
      notInProjects: viewer.projectIds.length > 0 ? viewer.projectIds : undefined,
    });
  }
  return sums;
}

function cellSumWhere(sum: CellSum, filters: TaskListFilters): SqlQuery {
  const conditions = ['kind = ?', 'subject_id = ?'];
  const params: unknown[] = [sum.kind, sum.subjectId];
  if (sum.inProjects) {
    conditions.push(`project_id IN (${placeholders(sum.inProjects.length)})`);
    params.push(...sum.inProjects);
  }
  if (sum.notInProjects) {
    conditions.push(`project_id NOT IN (${placeholders(sum.notInProjects.length)})`);
    params.push(...sum.notInProjects);
  }
  if (sum.unassigned !== undefined) {
    conditions.push('unassigned = ?');
    params.push(sum.unassigned);
  }
  if (filters.statuses?.length) {
    conditions.push(`status IN (${placeholders(filters.statuses.length)})`);
    params.push(...filters.statuses.map(statusCode));
  }
  if (filters.priorities?.length) {
    conditions.push(`priority IN (${placeholders(filters.priorities.length)})`);
    params.push(...filters.priorities.map(priorityCode));
  }
  return { sql: conditions.join(' AND '), params };
}

/**
 * `X-Total-Count` from task_counts: a few primary-key ranges, whatever the number of tasks.
 * Null when the filters are not counter-answerable.
 */
export function buildCounterCountQuery(viewer: Viewer, filters: TaskListFilters): SqlQuery | null {
  const sums = cellSums(viewer, filters);
  if (sums === null) return null;
  if (sums.length === 0) return { sql: 'SELECT 0 AS total', params: [] };
  const parts = sums.map((sum) => cellSumWhere(sum, filters));
  return {
    sql:
      'SELECT ' +
      parts.map((p) => `(SELECT COALESCE(SUM(n), 0) FROM task_counts WHERE ${p.sql})`).join(' + ') +
      ' AS total',
    params: parts.flatMap((p) => p.params),
  };
}

/**
 * The visible tasks of the stats (scope all, optional project filter) by status and priority:
 * rows of (status, priority, n) summed over the cells.
 */
export function buildCounterStatsQuery(viewer: Viewer, filters: TaskListFilters): SqlQuery | null {
  const sums = cellSums(viewer, { ...filters, statuses: undefined, priorities: undefined });
  if (sums === null) return null;
  if (sums.length === 0) return { sql: 'SELECT 1 AS status, 1 AS priority, 0 AS n', params: [] };
  const parts = sums.map((sum) => cellSumWhere(sum, filters));
  return {
    sql:
      'SELECT v.status, v.priority, SUM(v.n) AS n FROM (' +
      parts
        .map((p) => `SELECT status, priority, n FROM task_counts WHERE ${p.sql}`)
        .join(' UNION ALL ') +
      ') v GROUP BY v.status, v.priority',
    params: parts.flatMap((p) => p.params),
  };
}
