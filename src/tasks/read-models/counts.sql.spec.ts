import fc from 'fast-check';
import { TASK_PRIORITIES, TASK_STATUSES } from '../domain/task.constants';
import {
  applyCountDeltas,
  buildCountsRecount,
  buildCountsUpdate,
  buildCountsUpsert,
  cellsOf,
  CountCellsRaceError,
  countDeltas,
  CountedTask,
  CountKind,
} from './counts.sql';
import { buildHourlyCountsRecount } from './hourly-counts.sql';

const task = (over: Partial<CountedTask> = {}): CountedTask => ({
  user_id: 1,
  project_id: 10,
  assignee_id: null,
  status: 'pending',
  priority: 'medium',
  ...over,
});
const cell = (kind: CountKind, subjectId: number, projectId = 10, unassigned: 0 | 1 = 1) => ({
  kind,
  subjectId,
  projectId,
  unassigned,
  status: 1,
  priority: 2,
});

describe(cellsOf.name, () => {
  it('should count a task in its project and creator cells, and its assignee cell', () => {
    expect(cellsOf(task())).toEqual([cell(CountKind.Project, 0), cell(CountKind.Created, 1)]);
    expect(cellsOf(task({ assignee_id: 2, status: 'completed', priority: 'high' }))).toEqual(
      [
        cell(CountKind.Project, 0, 10, 0),
        cell(CountKind.Created, 1, 10, 0),
        cell(CountKind.Assigned, 2, 10, 0),
      ].map((c) => ({ ...c, status: 3, priority: 3 })),
    );
  });
});

describe(countDeltas.name, () => {
  it('should add one to each cell on create and take it away on delete', () => {
    const created = task({ assignee_id: 1 });
    const cells = [
      cell(CountKind.Project, 0, 10, 0),
      cell(CountKind.Assigned, 1, 10, 0),
      cell(CountKind.Created, 1, 10, 0),
    ];
    expect(countDeltas(null, created)).toEqual(cells.map((c) => ({ ...c, delta: 1 })));
    expect(countDeltas(created, null)).toEqual(cells.map((c) => ({ ...c, delta: -1 })));
  });

  it('should move nothing when no counted field changed', () => {
    const same = task({ assignee_id: 2, status: 'in_progress' });
    expect(countDeltas(same, { ...same })).toEqual([]);
    expect(countDeltas(null, null)).toEqual([]);
  });

  it('should move only the assignee cells on a reassignment between two users', () => {
    expect(countDeltas(task({ assignee_id: 2 }), task({ assignee_id: 3 }))).toEqual([
      { ...cell(CountKind.Assigned, 2, 10, 0), delta: -1 },
      { ...cell(CountKind.Assigned, 3, 10, 0), delta: 1 },
    ]);
  });

  it('should move every cell of the task between projects on a move, in key order', () => {
    expect(countDeltas(task({ assignee_id: 2 }), task({ assignee_id: 2, project_id: 4 }))).toEqual([
      { ...cell(CountKind.Project, 0, 4, 0), delta: 1 },
      { ...cell(CountKind.Project, 0, 10, 0), delta: -1 },
      { ...cell(CountKind.Assigned, 2, 4, 0), delta: 1 },
      { ...cell(CountKind.Assigned, 2, 10, 0), delta: -1 },
      { ...cell(CountKind.Created, 1, 4, 0), delta: 1 },
      { ...cell(CountKind.Created, 1, 10, 0), delta: -1 },
    ]);
  });

  it('should keep every cell exact over any sequence of writes (sum of deltas = recount)', () => {
    const counted = fc.record({
      user_id: fc.integer({ min: 1, max: 3 }),
      project_id: fc.integer({ min: 1, max: 3 }),
      assignee_id: fc.option(fc.integer({ min: 1, max: 3 })),
      status: fc.constantFrom(...TASK_STATUSES),
      priority: fc.constantFrom(...TASK_PRIORITIES),
    });
    const key = (c: object): string => JSON.stringify({ ...c, delta: undefined });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.option(counted)), { maxLength: 80 }),
        (writes) => {
          const live = new Map<number, CountedTask>();
          const counters = new Map<string, number>();
          for (const [id, next] of writes) {
            const before = live.get(id) ?? null;
            // The creator never changes.
            const after = next && { ...next, user_id: before?.user_id ?? next.user_id };
            if (after) live.set(id, after);
            else live.delete(id);
            for (const d of countDeltas(before, after)) {
              counters.set(key(d), (counters.get(key(d)) ?? 0) + d.delta);
            }
          }
          const expected = new Map<string, number>();
          for (const c of [...live.values()].flatMap(cellsOf)) {
            expected.set(key(c), (expected.get(key(c)) ?? 0) + 1);
          }
          expect(new Map([...counters].filter(([, n]) => n !== 0))).toEqual(expected);
        },
      ),
    );
  });
});

const MATCH =
  '(kind = ? AND subject_id = ? AND project_id = ? AND unassigned = ? AND status = ? AND priority = ?)';
const deltas = countDeltas(task({ assignee_id: 2 }), task({ assignee_id: 3 }));

describe('task_counts writes', () => {
  it('should apply every delta in one UPDATE of primary-key points', () => {
    expect(buildCountsUpdate(deltas)).toEqual({
      sql:
        `UPDATE task_counts SET n = n + CASE WHEN ${MATCH} THEN ? WHEN ${MATCH} THEN ? ELSE 0 END ` +
        `WHERE ${MATCH} OR ${MATCH}`,
      params: [2, 2, 10, 0, 1, 2, -1, 2, 3, 10, 0, 1, 2, 1, 2, 2, 10, 0, 1, 2, 2, 3, 10, 0, 1, 2],
    });
  });

  it('should upsert missing cells adding to any that appeared', () => {
    expect(buildCountsUpsert(deltas.slice(1))).toEqual({
      sql:
        'INSERT INTO task_counts (kind, subject_id, project_id, unassigned, status, priority, n) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE n = n + VALUES(n)',
      params: [2, 3, 10, 0, 1, 2, 1],
    });
  });

  it('should recount a project range from its live tasks, each kind from its column', () => {
    const [hourlyRemove, hourlyInsert, remove, insert] = buildCountsRecount(4, 6);
    // The hourly counters of the same projects first (hourly-counts.sql.spec.ts).
    expect([hourlyRemove, hourlyInsert]).toEqual(buildHourlyCountsRecount(4, 6));
    expect(remove).toEqual({
      sql: 'DELETE FROM task_counts WHERE project_id BETWEEN ? AND ?',
      params: [4, 6],
    });
    expect(insert.params).toEqual([4, 6, 4, 6, 4, 6]);
    expect(insert.sql).toContain('SELECT 1 AS kind, 0 AS subject_id, t.project_id');
    expect(insert.sql).toContain('SELECT 2, t.assignee_id, t.project_id, 0,');
    expect(insert.sql).toContain('SELECT 3, t.user_id, t.project_id, t.assignee_id IS NULL,');
    expect(insert.sql.match(/t\.deleted_at IS NULL/g)).toHaveLength(3);
  });
});

describe(applyCountDeltas.name, () => {
  /** A runner answering each statement with the next canned result, recording the calls. */
  function fakeRunner(results: unknown[]) {
    const calls: Array<{ sql: string; params: unknown[] }> = [];
    const run = (sql: string, params: unknown[]): Promise<unknown> => {
      calls.push({ sql, params });
      return Promise.resolve(results.shift());
    };
    return { run, calls };
  }
  const row = (d: (typeof deltas)[number]) => ({
    kind: d.kind,
    subject_id: String(d.subjectId),
    project_id: d.projectId,
    unassigned: d.unassigned,
    status: d.status,
    priority: d.priority,
  });

  it('should run nothing for no delta, and one UPDATE when every cell exists', async () => {
    const none = fakeRunner([]);
    await applyCountDeltas(none.run, []);
    expect(none.calls).toEqual([]);
    const all = fakeRunner([{ affectedRows: 2 }]);
    await applyCountDeltas(all.run, deltas);
    expect(all.calls).toEqual([buildCountsUpdate(deltas)]);
  });

  it('should lock the existing cells and insert only the missing ones', async () => {
    const runner = fakeRunner([{ affectedRows: 1 }, [row(deltas[0])], {}]);
    await applyCountDeltas(runner.run, deltas);
    expect(runner.calls).toHaveLength(3);
    expect(runner.calls[1]).toEqual({
      sql:
        'SELECT kind, subject_id, project_id, unassigned, status, priority FROM task_counts ' +
        `WHERE ${MATCH} OR ${MATCH} FOR UPDATE`,
      params: [2, 2, 10, 0, 1, 2, 2, 3, 10, 0, 1, 2],
    });
    expect(runner.calls[2]).toEqual(buildCountsUpsert([deltas[1]]));
  });

  it('should fail with the race error when a cell appeared between the UPDATE and the lock', async () => {
    const runner = fakeRunner([{ affectedRows: 0 }, [row(deltas[0])]]);
    await expect(applyCountDeltas(runner.run, deltas)).rejects.toBeInstanceOf(CountCellsRaceError);
    expect(runner.calls).toHaveLength(2);
  });
});
