import {
  applySearchChanges,
  buildSearchRebuild,
  buildSearchWrites,
  planSearchChanges,
  SearchedTask,
  searchRowsOf,
} from './task-search';

const CREATED = '2026-01-10T08:00:00.123Z';
const DOC = "CAST(LOWER(CONCAT(?, '\\n', ?)) AS BINARY)";

const task = (over: Partial<SearchedTask> = {}): SearchedTask => ({
  id: 42,
  user_id: 5,
  assignee_id: null,
  title: 'Write Report',
  description: '完成项目文档',
  created_at: CREATED,
  ...over,
});

describe(searchRowsOf.name, () => {
  it.each([
    [null, [{ userId: 5, relation: 1 }]],
    [5, [{ userId: 5, relation: 3 }]],
    [
      9,
      [
        { userId: 5, relation: 2 },
        { userId: 9, relation: 4 },
      ],
    ],
  ])('should give the owner (and another assignee) a row for assignee %p', (assignee, rows) => {
    expect(searchRowsOf(task({ assignee_id: assignee }))).toEqual(rows);
  });
});

describe(planSearchChanges.name, () => {
  it('should insert the rows of a new task and delete those of a deleted one', () => {
    const created = task({ assignee_id: 9 });
    expect(planSearchChanges(null, created)).toEqual({
      taskId: 42,
      createdAt: new Date(CREATED),
      deletes: [],
      updates: [],
      docChanged: false,
      inserts: [
        { userId: 5, relation: 2 },
        { userId: 9, relation: 4 },
      ],
      title: 'Write Report',
      description: '完成项目文档',
    });
    expect(planSearchChanges(created, null)).toMatchObject({
      deletes: [5, 9],
      updates: [],
      inserts: [],
    });
  });

  it('should change nothing when neither the text nor who sees the task changed', () => {
    // A status, priority or due date edit reaches the service as a different TaskResponseDto
    // with these fields equal.
    expect(planSearchChanges(task(), task())).toBeNull();
    expect(planSearchChanges(task({ assignee_id: 9 }), task({ assignee_id: 9 }))).toBeNull();
    expect(planSearchChanges(null, null)).toBeNull();
  });

  it('should rewrite the doc of every row when the title or the description changed', () => {
    const before = task({ assignee_id: 9 });
    expect(planSearchChanges(before, { ...before, description: 'new' })).toMatchObject({
      deletes: [],
      inserts: [],
      docChanged: true,
      updates: [
        { userId: 5, relation: 2 },
        { userId: 9, relation: 4 },
      ],
      description: 'new',
    });
  });

  it.each([
    // [before assignee, after assignee, deletes, updates, inserts]
    [null, 9, [], [{ userId: 5, relation: 2 }], [{ userId: 9, relation: 4 }]],
    [9, null, [9], [{ userId: 5, relation: 1 }], []],
    [9, 5, [9], [{ userId: 5, relation: 3 }], []],
    [5, 9, [], [{ userId: 5, relation: 2 }], [{ userId: 9, relation: 4 }]],
    [null, 5, [], [{ userId: 5, relation: 3 }], []],
    [9, 3, [9], [], [{ userId: 3, relation: 4 }]],
  ])(
    'should move the rows when the assignee goes from %p to %p',
    (from, to, deletes, updates, inserts) => {
      const plan = planSearchChanges(task({ assignee_id: from }), task({ assignee_id: to }));
      expect(plan).toMatchObject({ deletes, updates, inserts, docChanged: false });
    },
  );
});

describe(buildSearchWrites.name, () => {
  it('should create a task with one INSERT of its rows, doc computed in SQL', () => {
    const writes = buildSearchWrites(planSearchChanges(null, task({ assignee_id: 9 })));
    expect(writes).toEqual([
      {
        sql:
          'INSERT INTO task_search (user_id, created_at, task_id, relation, doc) VALUES ' +
          `(?, ?, ?, ?, ${DOC}), (?, ?, ?, ?, ${DOC})`,
        params: [
          5,
          new Date(CREATED),
          42,
          2,
          'Write Report',
          '完成项目文档',
          9,
          new Date(CREATED),
          42,
          4,
          'Write Report',
          '完成项目文档',
        ],
      },
    ]);
  });

  it('should delete by full primary key', () => {
    expect(buildSearchWrites(planSearchChanges(task({ assignee_id: 9 }), null))).toEqual([
      {
        sql: 'DELETE FROM task_search WHERE user_id IN (?, ?) AND created_at = ? AND task_id = ?',
        params: [5, 9, new Date(CREATED), 42],
      },
    ]);
  });

  it('should update relation and doc in one statement, and delete before inserting', () => {
    const writes = buildSearchWrites(
      planSearchChanges(task({ assignee_id: 9 }), task({ assignee_id: 3, title: 'New' })),
    );
    expect(writes).toEqual([
      {
        sql: 'DELETE FROM task_search WHERE user_id IN (?) AND created_at = ? AND task_id = ?',
        params: [9, new Date(CREATED), 42],
      },
      {
        sql:
          'UPDATE task_search SET relation = CASE user_id WHEN ? THEN ? END, ' +
          `doc = ${DOC} WHERE user_id IN (?) AND created_at = ? AND task_id = ?`,
        params: [5, 2, 'New', '完成项目文档', 5, new Date(CREATED), 42],
      },
      {
        sql:
          'INSERT INTO task_search (user_id, created_at, task_id, relation, doc) VALUES ' +
          `(?, ?, ?, ?, ${DOC})`,
        params: [3, new Date(CREATED), 42, 4, 'New', '完成项目文档'],
      },
    ]);
  });

  it('should leave doc alone when only the relation changed', () => {
    const [update] = buildSearchWrites(
      planSearchChanges(task({ assignee_id: null }), task({ assignee_id: 5 })),
    );
    expect(update.sql).toBe(
      'UPDATE task_search SET relation = CASE user_id WHEN ? THEN ? END ' +
        'WHERE user_id IN (?) AND created_at = ? AND task_id = ?',
    );
  });
});

describe(applySearchChanges.name, () => {
  it('should run nothing for an unchanged task and each write in order otherwise', async () => {
    const run = jest.fn().mockResolvedValue({ affectedRows: 1 });
    await applySearchChanges(run, task(), task());
    expect(run).not.toHaveBeenCalled();
    await applySearchChanges(run, task({ assignee_id: 9 }), task({ assignee_id: 3 }));
    expect(run.mock.calls.map((call) => (call[0] as string).split(' ')[0])).toEqual([
      'DELETE',
      'INSERT',
    ]);
  });
});

describe(buildSearchRebuild.name, () => {
  it("should replace the users' rows with their owned and assigned live tasks, sorted", () => {
    const [remove, fill] = buildSearchRebuild(3, 8);
    expect(remove).toEqual({
      sql: 'DELETE FROM task_search WHERE user_id BETWEEN ? AND ?',
      params: [3, 8],
    });
    expect(fill.sql).toContain('SELECT t.user_id, t.created_at, t.id AS task_id, CASE WHEN');
    expect(fill.sql).toContain("CAST(LOWER(CONCAT(t.title, '\\n', t.description)) AS BINARY)");
    expect(fill.sql).toContain('WHERE t.user_id BETWEEN ? AND ? AND t.deleted_at IS NULL');
    expect(fill.sql).toContain('UNION ALL SELECT t.assignee_id, t.created_at, t.id, 4,');
    expect(fill.sql).toContain(
      'WHERE t.assignee_id BETWEEN ? AND ? AND t.deleted_at IS NULL AND t.assignee_id <> t.user_id',
    );
    expect(fill.sql).toMatch(/ORDER BY v\.user_id, v\.created_at, v\.task_id$/);
    expect(fill.params).toEqual([3, 8, 3, 8]);
  });
});
