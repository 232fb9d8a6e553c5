import { TASK_ROW_COLUMNS } from '../dto/task-response.dto';
import {
  buildIdsQuery,
  buildPageRowsQuery,
  buildSourcesCountQuery,
  listingSources,
  searchCountPlan,
  Source,
  sourcesCountExpression,
} from './listing.sql';
import type { TaskListFilters, Viewer } from './task-list-request';
import { ASSIGNEE_INDEXES, PROJECT_INDEXES } from './visibility.sql';

const ME = 7;
const NOW = new Date('2026-01-15T12:00:00.000Z');
const base: TaskListFilters = { scope: 'all', terms: [], sort: 'created_at', order: 'desc' };
const BY_PROJECT = `tasks t FORCE INDEX (${PROJECT_INDEXES.join(', ')})`;
const BY_ASSIGNEE = `tasks t FORCE INDEX (${ASSIGNEE_INDEXES.join(', ')})`;
const TERM = "LIKE CAST(CONCAT('%', LOWER(?), '%') AS BINARY) ESCAPE '!'";
const ROW_DOC = "CAST(LOWER(CONCAT(t.title, '\\n', t.description)) AS BINARY)";
const inbox: Viewer = { userId: ME, projectIds: [3] };
const member: Viewer = { userId: ME, projectIds: [3, 5] };

describe(listingSources.name, () => {
  it('should read each part from tasks with the live-row condition', () => {
    expect(listingSources(inbox, { ...base, statuses: ['pending'] }, NOW)).toEqual([
      {
        from: BY_PROJECT,
        where: {
          conditions: ['t.project_id = ?', 't.deleted_at IS NULL', 't.status IN (?)'],
          params: [3, 1],
        },
        id: 't.id',
        sort: 't.created_at',
      },
      {
        from: BY_ASSIGNEE,
        where: {
          conditions: [
            't.assignee_id = ?',
            't.project_id NOT IN (?)',
            't.deleted_at IS NULL',
            't.status IN (?)',
          ],
          params: [ME, 3, 1],
        },
        id: 't.id',
        sort: 't.created_at',
      },
    ]);
  });

  it('should search whole projects in task_search alone, and assigned tasks on the rows', () => {
    const [project, assigned] = listingSources(inbox, { ...base, terms: ['项目', '100%'] }, NOW);
    expect(project).toEqual({
      from: 'task_search s',
      where: {
        conditions: ['s.project_id = ?', `s.doc ${TERM}`, `s.doc ${TERM}`],
        params: [3, '项目', '100!%'],
      },
      id: 's.task_id',
      sort: 's.created_at',
    });
    expect(assigned.from).toBe(BY_ASSIGNEE);
    expect(assigned.where.conditions.slice(-2)).toEqual([
      `${ROW_DOC} ${TERM}`,
      `${ROW_DOC} ${TERM}`,
    ]);
    expect(assigned.where.params).toEqual([ME, 3, '项目', '100!%']);
  });

  it('should join the task row to a search when another filter or the sort needs it', () => {
    const many: Viewer = { userId: ME, projectIds: Array.from({ length: 17 }, (_, i) => i + 1) };
    const [projects] = listingSources(
      many,
      { ...base, terms: ['x'], sort: 'title', assignee: 'none' },
      NOW,
    );
    expect(projects).toEqual({
      from: 'task_search s STRAIGHT_JOIN tasks t ON t.id = s.task_id',
      where: {
        conditions: [
          `s.project_id IN (${many.projectIds.map(() => '?').join(', ')})`,
          `s.doc ${TERM}`,
          't.deleted_at IS NULL',
          't.assignee_id IS NULL',
        ],
        params: [...many.projectIds, 'x'],
      },
      id: 's.task_id',
      sort: 't.title',
    });
  });
});

describe('listing queries', () => {
  const one: Source = {
    from: 'tasks t',
    where: { conditions: ['t.project_id = ?'], params: [3] },
    id: 't.id',
    sort: 't.title',
  };
  const two: Source = { ...one, where: { conditions: ['t.assignee_id = ?'], params: [ME] } };

  it('should read a single source as a plain ordered, limited query', () => {
    expect(buildIdsQuery([one], { ...base, sort: 'title', order: 'asc' }, 40, 20)).toEqual({
      sql: 'SELECT t.id AS id FROM tasks t WHERE t.project_id = ? ORDER BY t.title ASC, t.id ASC LIMIT ? OFFSET ?',
      params: [3, 20, 40],
    });
  });

  it('should merge several sources, each limited to offset + limit', () => {
    expect(buildIdsQuery([one, two], { ...base, sort: 'title' }, 40, 20)).toEqual({
      sql:
        'SELECT v.id FROM (' +
        '(SELECT t.id AS id, t.title AS sort_value FROM tasks t WHERE t.project_id = ? ORDER BY t.title DESC, t.id DESC LIMIT ?)' +
        ' UNION ALL ' +
        '(SELECT t.id AS id, t.title AS sort_value FROM tasks t WHERE t.assignee_id = ? ORDER BY t.title DESC, t.id DESC LIMIT ?)' +
        ') v ORDER BY v.sort_value DESC, v.id DESC LIMIT ? OFFSET ?',
      params: [3, 60, ME, 60, 20, 40],
    });
    expect(buildIdsQuery([], base, 0, 20)).toBeNull();
  });

  it('should count the disjoint sources as a sum', () => {
    expect(buildSourcesCountQuery([one, two])).toEqual({
      sql:
        'SELECT (SELECT COUNT(*) FROM tasks t WHERE t.project_id = ?) + ' +
        '(SELECT COUNT(*) FROM tasks t WHERE t.assignee_id = ?) AS total',
      params: [3, ME],
    });
    expect(buildSourcesCountQuery([])).toBeNull();
  });

  it("should join a page's ids to its rows in the listing's order", () => {
    const request = { filters: { ...base, assignee: ME }, page: 3, pageSize: 10 };
    const query = buildPageRowsQuery(member, request, NOW);
    const columns = TASK_ROW_COLUMNS.map((c) => `t.${c}`).join(', ');
    expect(query).toEqual({
      sql:
        `SELECT ${columns} FROM (SELECT t.id AS id FROM ${BY_ASSIGNEE} ` +
        'WHERE t.assignee_id = ? AND t.deleted_at IS NULL AND t.assignee_id = ? ' +
        'ORDER BY t.created_at DESC, t.id DESC LIMIT ? OFFSET ?) page JOIN tasks t ON t.id = page.id ' +
        'WHERE t.deleted_at IS NULL ORDER BY t.created_at DESC, t.id DESC',
      params: [ME, ME, 10, 20],
    });
    const none = { ...request, filters: { ...base, scope: 'assigned' as const, assignee: 9 } };
    expect(buildPageRowsQuery(member, none, NOW)).toBeNull();
  });
});

describe(searchCountPlan.name, () => {
  it('should count whole projects by bucket, and the tasks assigned elsewhere on their rows', () => {
    const filters = { ...base, terms: ['项目', '100%'] };
    const [, , elsewhere] = listingSources(member, filters, NOW);
    expect(searchCountPlan(member, filters, NOW)).toEqual({
      projectIds: [3, 5],
      terms: ['项目', '100%'],
      others: sourcesCountExpression([elsewhere]),
    });
  });

  it('should leave to the row sources what needs the task row, and listings without terms', () => {
    const q = { ...base, terms: ['x'] };
    expect(searchCountPlan(member, { ...base }, NOW)).toBeNull();
    expect(searchCountPlan(member, { ...q, statuses: ['pending'] }, NOW)).toBeNull();
    expect(searchCountPlan(member, { ...q, sort: 'title' }, NOW)).toBeNull();
    expect(searchCountPlan(member, { ...q, assignee: 'none' }, NOW)).toBeNull();
    expect(searchCountPlan(member, { ...q, scope: 'assigned' }, NOW)).toBeNull();
    expect(searchCountPlan(member, { ...q, scope: 'owned' }, NOW)).toBeNull();
  });
});
