import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ListTasksQuery } from './dto/list-tasks.query';
import { cellsOf, CountedTask } from './task-counts';
import { TASK_PRIORITIES, TASK_SCOPES, TASK_STATUSES } from './task.constants';
import {
  ASSIGNEE_INDEXES,
  buildCounterCountQuery,
  buildCountQuery,
  buildListIdsQuery,
  buildPageQuery,
  buildPageRowsQuery,
  buildSearchCountQuery,
  buildSearchIdsQuery,
  buildStatsQuery,
  buildTotalQuery,
  counterRelations,
  escapeLikeTerm,
  filterConditions,
  OWNER_INDEXES,
  parseListQuery,
  searchScope,
  TaskListFilters,
  visibilityBranches,
} from './task-list.query';
import { searchRowsOf } from './task-search';

const ME = 7;
const NOW = new Date('2026-01-15T12:00:00.000Z');
const OWNED = `tasks t FORCE INDEX (${OWNER_INDEXES.join(', ')})`;
const ASSIGNED = `tasks t FORCE INDEX (${ASSIGNEE_INDEXES.join(', ')})`;
const base: TaskListFilters = { scope: 'all', terms: [], sort: 'created_at', order: 'desc' };

function parse(query: Record<string, unknown>): { fields: string[]; value: ListTasksQuery } {
  const value = plainToInstance(ListTasksQuery, query);
  const errors = validateSync(value, { whitelist: true });
  return { fields: errors.map((e) => e.property), value };
}

describe('parseListQuery', () => {
  it('should apply every documented default', () => {
    expect(parseListQuery(parse({}).value)).toEqual({
      filters: {
        ...base,
        statuses: undefined,
        priorities: undefined,
        assignee: undefined,
        dueBefore: undefined,
        dueAfter: undefined,
        overdue: undefined,
      },
      page: 1,
      pageSize: 20,
    });
  });

  it('should parse comma lists, repeated values, none, dates and booleans', () => {
    const { fields, value } = parse({
      status: ['pending,in_progress', 'pending'],
      priority: 'high',
      assignee_id: 'none',
      q: '  项目   plan  plan ',
      due_before: '2026-02-01T08:00:00+08:00',
      overdue: 'false',
      sort: 'priority',
      order: 'asc',
      page: '3',
      page_size: '50',
    });
    expect(fields).toEqual([]);
    const request = parseListQuery(value);
    expect(request).toMatchObject({
      filters: {
        statuses: ['pending', 'in_progress'],
        priorities: ['high'],
        assignee: 'none',
        terms: ['项目', 'plan'],
        dueBefore: new Date('2026-02-01T00:00:00.000Z'),
        overdue: false,
        sort: 'priority',
        order: 'asc',
      },
      page: 3,
      pageSize: 50,
    });
    expect(parseListQuery(parse({ assignee_id: '42' }).value).filters.assignee).toBe(42);
  });

  it.each([
    [{ status: 'done' }, 'status'],
    [{ status: 'pending,' }, 'status'],
    [{ priority: ['high', 'urgent'] }, 'priority'],
    [{ assignee_id: '0' }, 'assignee_id'],
    [{ assignee_id: ['1', '2'] }, 'assignee_id'],
    [{ scope: 'x' }, 'scope'],
    [{ q: ['a', 'b'] }, 'q'],
    [{ due_after: '2026-02-30T00:00:00Z' }, 'due_after'],
    [{ overdue: 'maybe' }, 'overdue'],
    [{ sort: 'password' }, 'sort'],
    [{ order: 'sideways' }, 'order'],
    [{ page: '0' }, 'page'],
    [{ page: '1e30' }, 'page'],
    [{ page_size: '101' }, 'page_size'],
  ])('should refuse %j naming %s', (query, field) => {
    expect(parse(query).fields).toEqual([field]);
  });
});

describe('visibilityBranches', () => {
  it('should split "owned or assigned" into two disjoint branches by default', () => {
    expect(visibilityBranches(ME, base)).toEqual([
      { conditions: ['t.user_id = ?'], params: [ME] },
      { conditions: ['t.assignee_id = ?', 't.user_id <> ?'], params: [ME, ME] },
    ]);
  });

  it('should keep one branch per scope', () => {
    expect(visibilityBranches(ME, { ...base, scope: 'owned' })).toEqual([
      { conditions: ['t.user_id = ?'], params: [ME] },
    ]);
    expect(visibilityBranches(ME, { ...base, scope: 'assigned' })).toEqual([
      { conditions: ['t.assignee_id = ?'], params: [ME] },
    ]);
  });

  it('should drop branches the assignee filter cannot match', () => {
    expect(visibilityBranches(ME, { ...base, assignee: 'none' })).toEqual([
      { conditions: ['t.user_id = ?', 't.assignee_id IS NULL'], params: [ME] },
    ]);
    expect(visibilityBranches(ME, { ...base, assignee: 9 })).toEqual([
      { conditions: ['t.user_id = ?', 't.assignee_id = ?'], params: [ME, 9] },
    ]);
    expect(visibilityBranches(ME, { ...base, assignee: ME })).toHaveLength(2);
    expect(visibilityBranches(ME, { ...base, scope: 'assigned', assignee: 'none' })).toEqual([]);
    expect(visibilityBranches(ME, { ...base, scope: 'assigned', assignee: 9 })).toEqual([]);
  });
});

describe('filterConditions', () => {
  it('should always exclude deleted rows and translate each filter', () => {
    const { conditions, params } = filterConditions(
      {
        ...base,
        statuses: ['pending', 'completed'],
        priorities: ['high'],
        dueBefore: new Date('2026-03-01T00:00:00Z'),
        dueAfter: new Date('2026-01-01T00:00:00Z'),
        overdue: true,
        terms: ['50%_off'],
      },
      NOW,
    );
    expect(conditions).toEqual([
      't.deleted_at IS NULL',
      't.status IN (?, ?)',
      't.priority IN (?)',
      't.due_date < ?',
      't.due_date > ?',
      't.due_date < ?',
      't.status IN (1, 2)',
      "CAST(LOWER(CONCAT(t.title, '\\n', t.description)) AS BINARY) " +
        "LIKE CAST(CONCAT('%', LOWER(?), '%') AS BINARY) ESCAPE '!'",
    ]);
    expect(params).toEqual([
      1,
      3,
      3,
      new Date('2026-03-01T00:00:00Z'),
      new Date('2026-01-01T00:00:00Z'),
      NOW,
      '50!%!_off',
    ]);
  });

  it('should express overdue=false as the complement', () => {
    expect(filterConditions({ ...base, overdue: false }, NOW)).toEqual({
      conditions: [
        't.deleted_at IS NULL',
        '(t.due_date IS NULL OR t.due_date >= ? OR t.status = 3)',
      ],
      params: [NOW],
    });
  });

  it('should escape LIKE wildcards and the escape character', () => {
    expect(escapeLikeTerm('100%_!x')).toBe('100!%!_!!x');
    expect(escapeLikeTerm('项目')).toBe('项目');
  });
});

describe('buildListIdsQuery', () => {
  it('should merge two ordered, limited branches and page the union', () => {
    const query = buildListIdsQuery(ME, { filters: base, page: 3, pageSize: 20 }, NOW)!;
    expect(query.sql).toBe(
      'SELECT v.id FROM (' +
        `(SELECT t.id, t.created_at AS sort_value FROM ${OWNED} WHERE t.user_id = ? AND t.deleted_at IS NULL ORDER BY t.created_at DESC, t.id DESC LIMIT ?)` +
        ' UNION ALL ' +
        `(SELECT t.id, t.created_at AS sort_value FROM ${ASSIGNED} WHERE t.assignee_id = ? AND t.user_id <> ? AND t.deleted_at IS NULL ORDER BY t.created_at DESC, t.id DESC LIMIT ?)` +
        ') v ORDER BY v.sort_value DESC, v.id DESC LIMIT ? OFFSET ?',
    );
    expect(query.params).toEqual([ME, 60, ME, ME, 60, 20, 40]);
  });

  it('should read a single branch directly, in the requested order', () => {
    const query = buildListIdsQuery(
      ME,
      {
        filters: { ...base, scope: 'owned', sort: 'priority', order: 'asc' },
        page: 1,
        pageSize: 5,
      },
      NOW,
    )!;
    expect(query.sql).toBe(
      `SELECT t.id FROM ${OWNED} WHERE t.user_id = ? AND t.deleted_at IS NULL ORDER BY t.priority ASC, t.id ASC LIMIT ? OFFSET ?`,
    );
    expect(query.params).toEqual([ME, 5, 0]);
  });

  it('should answer nothing when no branch can match', () => {
    const filters: TaskListFilters = { ...base, scope: 'assigned', assignee: 'none' };
    expect(buildListIdsQuery(ME, { filters, page: 1, pageSize: 5 }, NOW)).toBeNull();
    expect(buildCountQuery(ME, filters, NOW)).toBeNull();
  });
});

describe('buildCountQuery and buildStatsQuery', () => {
  it('should sum the counts of the disjoint branches', () => {
    const query = buildCountQuery(ME, { ...base, statuses: ['pending'] }, NOW)!;
    expect(query.sql).toBe(
      `SELECT (SELECT COUNT(*) FROM ${OWNED} WHERE t.user_id = ? AND t.deleted_at IS NULL AND t.status IN (?)) + ` +
        `(SELECT COUNT(*) FROM ${ASSIGNED} WHERE t.assignee_id = ? AND t.user_id <> ? AND t.deleted_at IS NULL AND t.status IN (?)) AS total`,
    );
    expect(query.params).toEqual([ME, 1, ME, ME, 1]);
  });

  it('should aggregate the visible rows in one statement with `now` first', () => {
    const query = buildStatsQuery(ME, NOW);
    expect(query.sql).toContain('COALESCE(SUM(v.due_date < ? AND v.status <> 3), 0) AS overdue');
    expect(query.sql).toContain(
      `FROM (SELECT t.status, t.priority, t.due_date FROM ${OWNED} WHERE t.user_id = ? AND t.deleted_at IS NULL UNION ALL`,
    );
    expect(query.sql).not.toMatch(/NOW\(\)/i);
    expect(query.params).toEqual([NOW, ME, ME, ME]);
  });
});

describe('counterRelations', () => {
  const OTHER = 8;
  const THIRD = 9;

  it('should give up on filters that need the rows', () => {
    expect(counterRelations(ME, { ...base, terms: ['x'] })).toBeNull();
    expect(counterRelations(ME, { ...base, dueBefore: NOW })).toBeNull();
    expect(counterRelations(ME, { ...base, dueAfter: NOW })).toBeNull();
    expect(counterRelations(ME, { ...base, overdue: true })).toBeNull();
    expect(counterRelations(ME, { ...base, overdue: false })).toBeNull();
    expect(counterRelations(ME, { ...base, assignee: OTHER })).toBeNull();
  });

  it.each([
    ['all', undefined, [1, 2, 3, 4]],
    ['owned', undefined, [1, 2, 3]],
    ['assigned', undefined, [3, 4]],
    ['all', 'none', [1]],
    ['owned', 'none', [1]],
    ['assigned', 'none', []],
    ['all', ME, [3, 4]],
    ['owned', ME, [3]],
    ['assigned', ME, [3, 4]],
  ] as const)('should map scope=%s assignee=%p to relations %p', (scope, assignee, relations) => {
    expect(counterRelations(ME, { ...base, scope, assignee })).toEqual(relations);
  });

  // The equivalence itself: over every kind of task (owner me or not; assignee none, me, the
  // owner, someone else), the sum of the caller's cells in those relations counts exactly the
  // tasks the documented visibility rules (and so visibilityBranches) select.
  it('should count exactly the visible tasks of every scope, assignee, status and priority', () => {
    const tasks: CountedTask[] = [];
    for (const owner of [ME, OTHER])
      for (const assignee of [null, ME, OTHER, THIRD])
        for (const status of TASK_STATUSES)
          for (const priority of TASK_PRIORITIES)
            tasks.push({ user_id: owner, assignee_id: assignee, status, priority });
    const visible = (t: CountedTask, f: TaskListFilters): boolean => {
      const inScope =
        f.scope === 'owned'
          ? t.user_id === ME
          : f.scope === 'assigned'
            ? t.assignee_id === ME
            : t.user_id === ME || t.assignee_id === ME;
      const assigneeOk =
        f.assignee === undefined ||
        (f.assignee === 'none' ? t.assignee_id === null : t.assignee_id === f.assignee);
      return (
        inScope &&
        assigneeOk &&
        (!f.statuses || f.statuses.includes(t.status)) &&
        (!f.priorities || f.priorities.includes(t.priority))
      );
    };
    let checked = 0;
    for (const scope of TASK_SCOPES)
      for (const assignee of [undefined, 'none', ME] as const)
        for (const statuses of [undefined, ['pending'], ['in_progress', 'completed']] as const)
          for (const priorities of [undefined, ['high'], ['low', 'medium']] as const) {
            const filters: TaskListFilters = {
              ...base,
              scope,
              assignee,
              statuses: statuses && [...statuses],
              priorities: priorities && [...priorities],
            };
            const relations = counterRelations(ME, filters) ?? [];
            const fromCells = tasks
              .flatMap(cellsOf)
              .filter(
                (c) =>
                  c.userId === ME &&
                  relations.includes(c.relation) &&
                  (!filters.statuses ||
                    filters.statuses.some((s) => TASK_STATUSES.indexOf(s) + 1 === c.status)) &&
                  (!filters.priorities ||
                    filters.priorities.some((p) => TASK_PRIORITIES.indexOf(p) + 1 === c.priority)),
              ).length;
            expect([scope, assignee, statuses, priorities, fromCells]).toEqual([
              scope,
              assignee,
              statuses,
              priorities,
              tasks.filter((t) => visible(t, filters)).length,
            ]);
            // No counter answer for a filter whose branches cannot match either.
            if (visibilityBranches(ME, filters).length === 0) expect(relations).toEqual([]);
            checked += 1;
          }
    expect(checked).toBe(81);
  });
});

describe('buildCounterCountQuery', () => {
  it("should sum the caller's cells of the relations, statuses and priorities", () => {
    expect(
      buildCounterCountQuery(ME, {
        ...base,
        statuses: ['pending', 'in_progress'],
        priorities: ['high'],
      }),
    ).toEqual({
      sql:
        'SELECT COALESCE(SUM(n), 0) AS total FROM task_counts ' +
        'WHERE user_id = ? AND relation IN (1, 2, 3, 4) AND status IN (?, ?) AND priority IN (?)',
      params: [ME, 1, 2, 3],
    });
  });

  it('should answer zero without reading when no relation matches', () => {
    expect(buildCounterCountQuery(ME, { ...base, scope: 'assigned', assignee: 'none' })).toEqual({
      sql: 'SELECT 0 AS total',
      params: [],
    });
  });

  it('should leave the other filters to buildCountQuery', () => {
    expect(buildCounterCountQuery(ME, { ...base, terms: ['plan'] })).toBeNull();
  });
});

describe('searchScope', () => {
  const OTHER = 8;
  const THIRD = 9;

  // The same equivalence for task_search: the caller's rows in those relations (plus the
  // assignee condition for a foreign assignee) are exactly the visible tasks of the filters.
  it('should select exactly the visible tasks of every scope and assignee', () => {
    const tasks: Array<{ id: number; user_id: number; assignee_id: number | null }> = [];
    for (const owner of [ME, OTHER])
      for (const assignee of [null, ME, OTHER, THIRD])
        tasks.push({ id: tasks.length + 1, user_id: owner, assignee_id: assignee });
    for (const scope of TASK_SCOPES)
      for (const assignee of [undefined, 'none', ME, OTHER, THIRD] as const) {
        const filters: TaskListFilters = { ...base, scope, assignee };
        const visible = tasks.filter((t) => {
          const inScope =
            scope === 'owned'
              ? t.user_id === ME
              : scope === 'assigned'
                ? t.assignee_id === ME
                : t.user_id === ME || t.assignee_id === ME;
          const assigneeOk =
            assignee === undefined ||
            (assignee === 'none' ? t.assignee_id === null : t.assignee_id === assignee);
          return inScope && assigneeOk;
        });
        const { relations, assigneeId } = searchScope(ME, filters);
        const fromRows = tasks.filter(
          (t) =>
            searchRowsOf(t).some((r) => r.userId === ME && relations.includes(r.relation)) &&
            (assigneeId === undefined || t.assignee_id === assigneeId),
        );
        expect([scope, assignee, fromRows.map((t) => t.id)]).toEqual([
          scope,
          assignee,
          visible.map((t) => t.id),
        ]);
      }
  });
});

describe('search queries', () => {
  const LIKE = "s.doc LIKE CAST(CONCAT('%', LOWER(?), '%') AS BINARY) ESCAPE '!'";
  const search = (over: Partial<TaskListFilters>): TaskListFilters => ({
    ...base,
    terms: ['Report', '50%_off'],
    ...over,
  });

  it("should count and page a plain search on the caller's task_search rows alone", () => {
    const filters = search({ scope: 'owned', assignee: 'none' });
    expect(buildSearchCountQuery(ME, filters, NOW)).toEqual({
      sql: `SELECT COUNT(*) AS total FROM task_search s WHERE s.user_id = ? AND s.relation IN (1) AND ${LIKE} AND ${LIKE}`,
      params: [ME, 'Report', '50!%!_off'],
    });
    expect(buildSearchIdsQuery(ME, { filters, page: 3, pageSize: 20 }, NOW)).toEqual({
      sql:
        `SELECT s.task_id AS id FROM task_search s WHERE s.user_id = ? AND s.relation IN (1) AND ${LIKE} AND ${LIKE} ` +
        'ORDER BY s.created_at DESC, s.task_id DESC LIMIT ? OFFSET ?',
      params: [ME, 'Report', '50!%!_off', 20, 40],
    });
    const asc = buildSearchIdsQuery(
      ME,
      { filters: search({ order: 'asc', assignee: ME }), page: 1, pageSize: 5 },
      NOW,
    )!;
    expect(asc.sql).toContain('s.relation IN (3, 4)');
    expect(asc.sql).toContain('ORDER BY s.created_at ASC, s.task_id ASC LIMIT ? OFFSET ?');
  });

  it('should join the tasks for another sort, keeping the count on task_search', () => {
    const filters = search({ sort: 'title', order: 'asc' });
    expect(buildSearchCountQuery(ME, filters, NOW)!.sql).not.toContain('JOIN');
    expect(buildSearchIdsQuery(ME, { filters, page: 1, pageSize: 10 }, NOW)).toEqual({
      sql:
        'SELECT s.task_id AS id FROM task_search s STRAIGHT_JOIN tasks t ON t.id = s.task_id ' +
        `WHERE s.user_id = ? AND s.relation IN (1, 2, 3, 4) AND ${LIKE} AND ${LIKE} AND t.deleted_at IS NULL ` +
        'ORDER BY t.title ASC, t.id ASC LIMIT ? OFFSET ?',
      params: [ME, 'Report', '50!%!_off', 10, 0],
    });
  });

  it('should join the tasks for row filters and a foreign assignee, in count and page alike', () => {
    const filters = search({ statuses: ['pending'], overdue: true, assignee: 9, terms: ['项目'] });
    const where =
      'FROM task_search s STRAIGHT_JOIN tasks t ON t.id = s.task_id ' +
      `WHERE s.user_id = ? AND s.relation IN (2) AND ${LIKE} AND t.deleted_at IS NULL ` +
      'AND t.status IN (?) AND t.due_date < ? AND t.status IN (1, 2) AND t.assignee_id = ?';
    expect(buildSearchCountQuery(ME, filters, NOW)).toEqual({
      sql: `SELECT COUNT(*) AS total ${where}`,
      params: [ME, '项目', 1, NOW, 9],
    });
    expect(buildSearchIdsQuery(ME, { filters, page: 2, pageSize: 10 }, NOW)).toEqual({
      // Still in task_search's primary-key order: the page stops after its matches.
      sql: `SELECT s.task_id AS id ${where} ORDER BY s.created_at DESC, s.task_id DESC LIMIT ? OFFSET ?`,
      params: [ME, '项目', 1, NOW, 9, 10, 10],
    });
  });

  it('should answer nothing when no relation can match', () => {
    for (const filters of [
      search({ scope: 'assigned', assignee: 'none' }),
      search({ scope: 'assigned', assignee: 9 }),
    ]) {
      expect(buildSearchCountQuery(ME, filters, NOW)).toBeNull();
      expect(buildSearchIdsQuery(ME, { filters, page: 1, pageSize: 5 }, NOW)).toBeNull();
    }
  });

  it('should route searches to task_search and the rest as before', () => {
    const request = { filters: search({}), page: 1, pageSize: 5 };
    expect(buildTotalQuery(ME, request.filters, NOW)).toEqual(
      buildSearchCountQuery(ME, request.filters, NOW),
    );
    expect(buildPageQuery(ME, request, NOW)).toEqual(buildSearchIdsQuery(ME, request, NOW));
    const plain = { filters: base, page: 1, pageSize: 5 };
    expect(buildTotalQuery(ME, base, NOW)).toEqual(buildCounterCountQuery(ME, base));
    expect(buildTotalQuery(ME, { ...base, overdue: true }, NOW)).toEqual(
      buildCountQuery(ME, { ...base, overdue: true }, NOW),
    );
    expect(buildPageQuery(ME, plain, NOW)).toEqual(buildListIdsQuery(ME, plain, NOW));
  });

  it('should read a page in one query: the id query joined to tasks, visible, in its own order', () => {
    const request = {
      filters: { ...base, sort: 'due_date' as const, order: 'asc' as const },
      page: 2,
      pageSize: 5,
    };
    const ids = buildPageQuery(ME, request, NOW)!;
    const rows = buildPageRowsQuery(ME, request, NOW)!;
    expect(rows.sql).toContain(`FROM (${ids.sql}) page JOIN tasks t ON t.id = page.id`);
    expect(rows.sql).toContain(
      'WHERE t.deleted_at IS NULL AND (t.user_id = ? OR t.assignee_id = ?)',
    );
    expect(rows.sql).toMatch(/ORDER BY t\.due_date ASC, t\.id ASC$/);
    expect(rows.params).toEqual([...ids.params, ME, ME]);
    // Nothing to read when no branch can match (assignee=none among tasks assigned to me).
    const none = {
      filters: { ...base, scope: 'assigned' as const, assignee: 'none' as const },
      page: 1,
      pageSize: 5,
    };
    expect(buildPageRowsQuery(ME, none, NOW)).toBeNull();
  });
});
