import fc from 'fast-check';
import { meets } from '../../../test/helpers/sql-conditions';
import {
  priorityCode,
  statusCode,
  TASK_PRIORITIES,
  TASK_SCOPES,
  TASK_STATUSES,
} from '../domain/task.constants';
import type { TaskListFilters, Viewer } from '../listing/task-list-request';
import { buildCounterCountQuery, buildCounterStatsQuery } from './counts-read.sql';
import { cellsOf, CountedTask } from './counts.sql';

const ME = 7;
const base: TaskListFilters = { scope: 'all', terms: [], sort: 'created_at', order: 'desc' };
const viewer: Viewer = { userId: ME, projectIds: [3, 5] };
const SUM = 'SELECT COALESCE(SUM(n), 0) FROM task_counts WHERE';

/** task_counts as the writes leave it for `tasks` (cells with their sums). */
function cellRows(tasks: readonly CountedTask[]): Array<Record<string, number>> {
  const rows = new Map<string, Record<string, number>>();
  for (const cell of tasks.flatMap(cellsOf)) {
    const key = JSON.stringify(cell);
    const row = rows.get(key) ?? {
      kind: cell.kind,
      subject_id: cell.subjectId,
      project_id: cell.projectId,
      unassigned: cell.unassigned,
      status: cell.status,
      priority: cell.priority,
      n: 0,
    };
    row.n += 1;
    rows.set(key, row);
  }
  return [...rows.values()];
}

/** The WHERE clauses of a query's sums, each with its share of the parameters, in order. */
function sumsOf(wheres: string[], params: unknown[]): Array<{ where: string; params: unknown[] }> {
  const rest = [...params];
  const sums = wheres.map((where) => ({
    where,
    params: rest.splice(0, where.split('?').length - 1),
  }));
  expect(rest).toEqual([]);
  return sums;
}

/** X-Total-Count as MariaDB would answer the built query over `cells`. */
function evaluateCount(sql: string, params: unknown[], cells: Array<Record<string, number>>) {
  if (sql === 'SELECT 0 AS total') return 0;
  const wheres = [...sql.matchAll(/FROM task_counts WHERE (.*?)\)(?: \+ | AS total$)/g)].map(
    (m) => m[1],
  );
  return sumsOf(wheres, params)
    .flatMap((s) => cells.filter((c) => meets([s.where], s.params, c)))
    .reduce((total, c) => total + c.n, 0);
}

const task = fc.record({
  user_id: fc.integer({ min: 6, max: 8 }),
  project_id: fc.integer({ min: 1, max: 6 }),
  assignee_id: fc.option(fc.integer({ min: 6, max: 8 })),
  status: fc.constantFrom(...TASK_STATUSES),
  priority: fc.constantFrom(...TASK_PRIORITIES),
});
const sortedIds = (min: number) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: min, maxLength: 5 })
    .map((a) => a.sort((x, y) => x - y));
const subset = <T>(values: readonly T[]) =>
  fc.option(fc.subarray([...values], { minLength: 1 }), { nil: undefined });

/** The visible tasks the filters select, counted on the rows. */
function truth(tasks: CountedTask[], v: Viewer, f: TaskListFilters): CountedTask[] {
  return tasks.filter(
    (t) =>
      (v.projectIds.includes(t.project_id) || t.assignee_id === v.userId) &&
      (f.scope !== 'owned' || t.user_id === v.userId) &&
      (f.scope !== 'assigned' || t.assignee_id === v.userId) &&
      (f.assignee === undefined ||
        (f.assignee === 'none' ? t.assignee_id === null : t.assignee_id === f.assignee)) &&
      (!f.projectIds || f.projectIds.includes(t.project_id)) &&
      (!f.statuses || f.statuses.includes(t.status)) &&
      (!f.priorities || f.priorities.includes(t.priority)),
  );
}

describe(buildCounterCountQuery.name, () => {
  it('should sum the member projects and my assigned tasks outside them', () => {
    expect(buildCounterCountQuery(viewer, { ...base, statuses: ['pending'] })).toEqual({
      sql:
        `SELECT (${SUM} kind = ? AND subject_id = ? AND project_id IN (?, ?) AND status IN (?)) + ` +
        `(${SUM} kind = ? AND subject_id = ? AND project_id NOT IN (?, ?) AND status IN (?)) AS total`,
      params: [1, 0, 3, 5, 1, 2, ME, 3, 5, 1],
    });
  });

  it('should read unassigned project cells for assignee_id=none, my cells for my id', () => {
    expect(
      buildCounterCountQuery(viewer, { ...base, assignee: 'none', projectIds: [5, 9] }),
    ).toEqual({
      sql: `SELECT (${SUM} kind = ? AND subject_id = ? AND project_id IN (?) AND unassigned = ?) AS total`,
      params: [1, 0, 5, 1],
    });
    expect(buildCounterCountQuery(viewer, { ...base, scope: 'assigned', projectIds: [9] })).toEqual(
      {
        sql: `SELECT (${SUM} kind = ? AND subject_id = ? AND project_id IN (?)) AS total`,
        params: [2, ME, 9],
      },
    );
    expect(
      buildCounterCountQuery(viewer, { ...base, scope: 'assigned', assignee: 'none' }),
    ).toEqual({
      sql: 'SELECT 0 AS total',
      params: [],
    });
  });

  it.each<[string, Partial<TaskListFilters>]>([
    ['search terms', { terms: ['x'] }],
    ['a due date bound', { dueBefore: new Date(0) }],
    ['overdue', { overdue: false }],
    ['scope=owned', { scope: 'owned' }],
    ["another user's id", { assignee: 9 }],
  ])('should need the rows for %s', (_name, filters) => {
    expect(buildCounterCountQuery(viewer, { ...base, ...filters })).toBeNull();
  });

  it('should equal the count of the visible rows for any tasks, memberships and filters', () => {
    fc.assert(
      fc.property(
        fc.array(task, { maxLength: 60 }),
        sortedIds(0),
        fc.constantFrom(...TASK_SCOPES.filter((s) => s !== 'owned')),
        fc.option(fc.constantFrom<'none' | number>('none', ME), { nil: undefined }),
        fc.option(sortedIds(1), { nil: undefined }),
        subset(TASK_STATUSES),
        subset(TASK_PRIORITIES),
        (tasks, projectIds, scope, assignee, only, statuses, priorities) => {
          const v: Viewer = { userId: ME, projectIds };
          const f: TaskListFilters = {
            ...base,
            scope,
            assignee,
            projectIds: only,
            statuses,
            priorities,
          };
          const query = buildCounterCountQuery(v, f);
          expect(query).not.toBeNull();
          expect(evaluateCount(query!.sql, query!.params, cellRows(tasks))).toBe(
            truth(tasks, v, f).length,
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe(buildCounterStatsQuery.name, () => {
  it('should group the same sums by status and priority', () => {
    expect(buildCounterStatsQuery(viewer, { ...base, projectIds: [3] })).toEqual({
      sql:
        'SELECT v.status, v.priority, SUM(v.n) AS n FROM (' +
        'SELECT status, priority, n FROM task_counts WHERE kind = ? AND subject_id = ? AND project_id IN (?) ' +
        'UNION ALL SELECT status, priority, n FROM task_counts WHERE kind = ? AND subject_id = ? AND project_id IN (?) AND project_id NOT IN (?, ?)' +
        ') v GROUP BY v.status, v.priority',
      params: [1, 0, 3, 2, ME, 3, 3, 5],
    });
  });

  it('should equal the visible rows by status and priority for any tasks and project filter', () => {
    fc.assert(
      fc.property(
        fc.array(task, { maxLength: 60 }),
        sortedIds(0),
        fc.option(sortedIds(1), { nil: undefined }),
        (tasks, projectIds, only) => {
          const v: Viewer = { userId: ME, projectIds };
          const query = buildCounterStatsQuery(v, { ...base, projectIds: only })!;
          const cells = cellRows(tasks);
          const actual = new Map<string, number>();
          const inner =
            /^SELECT v\.status, v\.priority, SUM\(v\.n\) AS n FROM \((.*)\) v GROUP BY v\.status, v\.priority$/.exec(
              query.sql,
            );
          if (inner) {
            const wheres = inner[1]
              .split(' UNION ALL ')
              .map((s) => s.replace('SELECT status, priority, n FROM task_counts WHERE ', ''));
            for (const s of sumsOf(wheres, query.params))
              for (const c of cells.filter((cell) => meets([s.where], s.params, cell))) {
                const key = `${c.status}:${c.priority}`;
                actual.set(key, (actual.get(key) ?? 0) + c.n);
              }
          } else {
            expect(query.sql).toBe('SELECT 1 AS status, 1 AS priority, 0 AS n');
          }
          const expected = new Map<string, number>();
          for (const t of truth(tasks, v, { ...base, projectIds: only })) {
            const key = `${statusCode(t.status)}:${priorityCode(t.priority)}`;
            expected.set(key, (expected.get(key) ?? 0) + 1);
          }
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
