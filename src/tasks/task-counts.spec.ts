import {
  buildCountsRecount,
  buildCountsUpdate,
  buildCountsUpsert,
  buildUserCellsInsert,
  applyCountDeltas,
  cellsOf,
  countDeltas,
  CountedTask,
  TaskRelation,
} from './task-counts';

const task = (over: Partial<CountedTask> = {}): CountedTask => ({
  user_id: 1,
  assignee_id: null,
  status: 'pending',
  priority: 'medium',
  ...over,
});

describe(cellsOf.name, () => {
  it.each([
    [null, [{ userId: 1, relation: TaskRelation.OwnedUnassigned }]],
    [1, [{ userId: 1, relation: TaskRelation.OwnedAssignedSelf }]],
    [
      2,
      [
        { userId: 1, relation: TaskRelation.OwnedAssignedOther },
        { userId: 2, relation: TaskRelation.AssignedByOther },
      ],
    ],
  ])(
    'should count a task assigned to %p in one cell of the owner (and one of another assignee)',
    (assignee, cells) => {
      expect(
        cellsOf(task({ assignee_id: assignee, status: 'completed', priority: 'high' })),
      ).toEqual(cells.map((cell) => ({ ...cell, status: 3, priority: 3 })));
    },
  );
});

describe(countDeltas.name, () => {
  it('should add one to each cell on create and take it away on delete', () => {
    const created = task({ assignee_id: 2 });
    expect(countDeltas(null, created)).toEqual([
      { userId: 1, relation: 2, status: 1, priority: 2, delta: 1 },
      { userId: 2, relation: 4, status: 1, priority: 2, delta: 1 },
    ]);
    expect(countDeltas(created, null)).toEqual([
      { userId: 1, relation: 2, status: 1, priority: 2, delta: -1 },
      { userId: 2, relation: 4, status: 1, priority: 2, delta: -1 },
    ]);
  });

  it('should move nothing when no counted field changed', () => {
    const same = task({ assignee_id: 2, status: 'in_progress' });
    expect(countDeltas(same, { ...same })).toEqual([]);
    expect(countDeltas(null, null)).toEqual([]);
  });

  it('should move the owner cell on a status or priority change', () => {
    expect(countDeltas(task(), task({ status: 'completed', priority: 'low' }))).toEqual([
      { userId: 1, relation: 1, status: 1, priority: 2, delta: -1 },
      { userId: 1, relation: 1, status: 3, priority: 1, delta: 1 },
    ]);
  });

  it('should net the owner side and move the assignee side on a reassignment', () => {
    expect(countDeltas(task({ assignee_id: 2 }), task({ assignee_id: 3 }))).toEqual([
      { userId: 2, relation: 4, status: 1, priority: 2, delta: -1 },
      { userId: 3, relation: 4, status: 1, priority: 2, delta: 1 },
    ]);
  });

  it('should move between relations when assigning to the owner or unassigning', () => {
    expect(countDeltas(task({ assignee_id: 2 }), task({ assignee_id: 1 }))).toEqual([
      { userId: 1, relation: 2, status: 1, priority: 2, delta: -1 },
      { userId: 1, relation: 3, status: 1, priority: 2, delta: 1 },
      { userId: 2, relation: 4, status: 1, priority: 2, delta: -1 },
    ]);
    expect(countDeltas(task({ assignee_id: 1 }), task())).toEqual([
      { userId: 1, relation: 1, status: 1, priority: 2, delta: 1 },
      { userId: 1, relation: 3, status: 1, priority: 2, delta: -1 },
    ]);
  });

  it('should keep every cell exact over any sequence of writes (sum of deltas = recount)', () => {
    let seed = 1;
    const rand = (n: number): number => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    const statuses = ['pending', 'in_progress', 'completed'] as const;
    const priorities = ['low', 'medium', 'high'] as const;
    const random = (): CountedTask => ({
      user_id: 1 + rand(3),
      assignee_id: rand(4) === 0 ? null : 1 + rand(3),
      status: statuses[rand(3)],
      priority: priorities[rand(3)],
    });
    const live = new Map<number, CountedTask>();
    const counters = new Map<string, number>();
    const key = (c: { userId: number; relation: number; status: number; priority: number }) =>
      `${c.userId}:${c.relation}:${c.status}:${c.priority}`;
    for (let step = 0; step < 2000; step += 1) {
      const id = rand(20);
      const before = live.get(id) ?? null;
      // The owner never changes on update; a missing task is created.
      const after =
        before && rand(5) === 0 ? null : { ...random(), user_id: before?.user_id ?? 1 + rand(3) };
      if (after) live.set(id, after);
      else live.delete(id);
      for (const d of countDeltas(before, after)) {
        counters.set(key(d), (counters.get(key(d)) ?? 0) + d.delta);
      }
    }
    const expected = new Map<string, number>();
    for (const t of live.values()) {
      for (const cell of cellsOf(t)) expected.set(key(cell), (expected.get(key(cell)) ?? 0) + 1);
    }
    const nonZero = new Map([...counters].filter(([, n]) => n !== 0));
    expect(nonZero).toEqual(expected);
  });
});

describe('task_counts SQL', () => {
  const deltas = countDeltas(task({ assignee_id: 2 }), task({ assignee_id: 3 }));

  it('should apply every delta in one UPDATE of primary-key points', () => {
    const cell = '(user_id = ? AND relation = ? AND status = ? AND priority = ?)';
    expect(buildCountsUpdate(deltas)).toEqual({
      sql:
        `UPDATE task_counts SET n = n + CASE WHEN ${cell} THEN ? WHEN ${cell} THEN ? ELSE 0 END ` +
        `WHERE ${cell} OR ${cell}`,
      params: [2, 4, 1, 2, -1, 3, 4, 1, 2, 1, 2, 4, 1, 2, 3, 4, 1, 2],
    });
  });

  it('should upsert missing cells adding to any that appeared', () => {
    expect(buildCountsUpsert(deltas.slice(0, 1))).toEqual({
      sql:
        'INSERT INTO task_counts (user_id, relation, status, priority, n) VALUES (?, ?, ?, ?, ?) ' +
        'ON DUPLICATE KEY UPDATE n = n + VALUES(n)',
      params: [2, 4, 1, 2, -1],
    });
  });

  it('should create the 36 cells of a new user at zero', () => {
    const insert = buildUserCellsInsert(9);
    expect(insert.params).toHaveLength(36 * 4);
    expect(insert.sql.match(/\(\?, \?, \?, \?, 0\)/g)).toHaveLength(36);
  });

  it('should recount a range of users from their owned and assigned live tasks', () => {
    const [cells, fill] = buildCountsRecount(5, 8);
    expect(cells.params).toEqual([5, 8]);
    expect(fill.params).toEqual([5, 8, 5, 8]);
    expect(fill.sql).toContain('ON DUPLICATE KEY UPDATE n = VALUES(n)');
  });
});

describe(applyCountDeltas.name, () => {
  const deltas = countDeltas(null, task({ assignee_id: 2 }));

  it('should run nothing when nothing moved', async () => {
    const run = jest.fn();
    await applyCountDeltas(run, []);
    expect(run).not.toHaveBeenCalled();
  });

  it('should run one UPDATE when every cell exists', async () => {
    const run = jest.fn().mockResolvedValue({ affectedRows: 2 });
    await applyCountDeltas(run, deltas);
    expect(run).toHaveBeenCalledTimes(1);
    expect(run.mock.calls[0][0]).toMatch(/^UPDATE task_counts/);
  });

  it('should insert only the cells the UPDATE did not find', async () => {
    const run = jest
      .fn()
      .mockResolvedValueOnce({ affectedRows: 1 })
      .mockResolvedValueOnce([{ user_id: 1, relation: 2, status: 1, priority: 2 }])
      .mockResolvedValueOnce({ affectedRows: 1 });
    await applyCountDeltas(run, deltas);
    expect(run).toHaveBeenCalledTimes(3);
    expect(run.mock.calls[1][0]).toMatch(/FOR UPDATE$/);
    expect(run.mock.calls[2]).toEqual([buildCountsUpsert(deltas.slice(1)).sql, [2, 4, 1, 2, 1]]);
  });

  it('should fail rather than guess when cells appeared between the statements', async () => {
    const run = jest
      .fn()
      .mockResolvedValueOnce({ affectedRows: 1 })
      .mockResolvedValueOnce([
        { user_id: 1, relation: 2, status: 1, priority: 2 },
        { user_id: 2, relation: 4, status: 1, priority: 2 },
      ]);
    await expect(applyCountDeltas(run, deltas)).rejects.toThrow(/concurrently/);
    expect(run).toHaveBeenCalledTimes(2);
  });
});
