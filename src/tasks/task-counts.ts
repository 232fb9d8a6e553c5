import type { TaskResponseDto } from './dto/task-response.dto';
import type { SqlQuery } from './task-list.query';
import { priorityCode, statusCode, TASK_PRIORITIES, TASK_STATUSES } from './task.constants';

/**
 * How a live task relates to one user in `task_counts` (CreateTaskCounts migration). Every
 * visibility branch of the listing is a union of these, so any count without a text, date or
 * foreign-assignee filter is a sum of cells.
 */
export const TaskRelation = {
  /** The user owns it and nobody is assigned. */
  OwnedUnassigned: 1,
  /** The user owns it and someone else is assigned. */
  OwnedAssignedOther: 2,
  /** The user owns it and is assigned to it too. */
  OwnedAssignedSelf: 3,
  /** Someone else owns it and the user is assigned. */
  AssignedByOther: 4,
} as const;
export type TaskRelation = (typeof TaskRelation)[keyof typeof TaskRelation];
export const TASK_RELATIONS: readonly TaskRelation[] = [1, 2, 3, 4];

/** One row of task_counts (its primary key). */
export interface CountCell {
  userId: number;
  relation: TaskRelation;
  status: number;
  priority: number;
}

export interface CountDelta extends CountCell {
  delta: number;
}

/** The fields of a task that decide its cells. */
export type CountedTask = Pick<TaskResponseDto, 'user_id' | 'assignee_id' | 'status' | 'priority'>;

/** The cells a live task adds one to: one of its owner, and one of a different assignee. */
export function cellsOf(task: CountedTask): CountCell[] {
  const status = statusCode(task.status);
  const priority = priorityCode(task.priority);
  const owner = task.user_id;
  const assignee = task.assignee_id;
  const relation: TaskRelation =
    assignee === null
      ? TaskRelation.OwnedUnassigned
      : assignee === owner
        ? TaskRelation.OwnedAssignedSelf
        : TaskRelation.OwnedAssignedOther;
  const cells: CountCell[] = [{ userId: owner, relation, status, priority }];
  if (assignee !== null && assignee !== owner) {
    cells.push({ userId: assignee, relation: TaskRelation.AssignedByOther, status, priority });
  }
  return cells;
}

/** Primary-key order: the order InnoDB locks the rows in, and a stable one for tests. */
function compareCells(a: CountCell, b: CountCell): number {
  return (
    a.userId - b.userId || a.relation - b.relation || a.status - b.status || a.priority - b.priority
  );
}

/**
 * The counter changes of one write: -1 for each cell of `before`, +1 for each of `after`
 * (null = no live task on that side), netted. Empty when the write moved no cell (a title,
 * description or due date change).
 */
export function countDeltas(before: CountedTask | null, after: CountedTask | null): CountDelta[] {
  const byKey = new Map<string, CountDelta>();
  const add = (cell: CountCell, delta: number): void => {
    const key = `${cell.userId}:${cell.relation}:${cell.status}:${cell.priority}`;
    const current = byKey.get(key);
    if (current) current.delta += delta;
    else byKey.set(key, { ...cell, delta });
  };
  if (before) for (const cell of cellsOf(before)) add(cell, -1);
  if (after) for (const cell of cellsOf(after)) add(cell, +1);
  return [...byKey.values()].filter((d) => d.delta !== 0).sort(compareCells);
}

const CELL_MATCH = '(user_id = ? AND relation = ? AND status = ? AND priority = ?)';

function cellParams(cell: CountCell): number[] {
  return [cell.userId, cell.relation, cell.status, cell.priority];
}

/**
 * All deltas in one UPDATE of existing rows. The WHERE is a set of primary-key points, which
 * InnoDB reads and locks in key order whatever the order here, so two writers touching the same
 * cells queue up instead of deadlocking; record locks only, no gap locks.
 */
export function buildCountsUpdate(deltas: CountDelta[]): SqlQuery {
  const cases = deltas.map(() => `WHEN ${CELL_MATCH} THEN ?`).join(' ');
  return {
    sql:
      `UPDATE task_counts SET n = n + CASE ${cases} ELSE 0 END ` +
      `WHERE ${deltas.map(() => CELL_MATCH).join(' OR ')}`,
    params: [...deltas.flatMap((d) => [...cellParams(d), d.delta]), ...deltas.flatMap(cellParams)],
  };
}

/** The cells among `cells` that exist, locked (the fallback of applyCountDeltas). */
function buildCellsLock(cells: CountCell[]): SqlQuery {
  return {
    sql:
      'SELECT user_id, relation, status, priority FROM task_counts ' +
      `WHERE ${cells.map(() => CELL_MATCH).join(' OR ')} FOR UPDATE`,
    params: cells.flatMap(cellParams),
  };
}

/** Inserts the deltas as new cells; a cell that appeared meanwhile gets its delta added. */
export function buildCountsUpsert(deltas: CountDelta[]): SqlQuery {
  return {
    sql:
      'INSERT INTO task_counts (user_id, relation, status, priority, n) ' +
      `VALUES ${deltas.map(() => '(?, ?, ?, ?, ?)').join(', ')} ` +
      'ON DUPLICATE KEY UPDATE n = n + VALUES(n)',
    params: deltas.flatMap((d) => [...cellParams(d), d.delta]),
  };
}

/** Runs one statement on the caller's connection (a TypeORM manager or a mysql2 connection). */
export type RunSql = (sql: string, params: unknown[]) => Promise<unknown>;

/**
 * Applies `deltas` inside the caller's transaction: one UPDATE in the normal case, where every
 * user's cells were created with the user. Should a cell be missing (a user inserted by other
 * means), the cells that exist are now locked by that UPDATE; the missing ones are inserted
 * with their deltas. If a concurrent transaction created some of them between the two
 * statements, which of them the UPDATE reached is unknown, so the write fails (and rolls back)
 * rather than letting a counter drift.
 */
export async function applyCountDeltas(run: RunSql, deltas: CountDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const update = buildCountsUpdate(deltas);
  const result = (await run(update.sql, update.params)) as { affectedRows?: number };
  const affected = Number(result.affectedRows ?? 0);
  if (affected === deltas.length) return;

  const lock = buildCellsLock(deltas);
  const rows = (await run(lock.sql, lock.params)) as Array<Record<string, unknown>>;
  if (rows.length !== affected) {
    throw new Error('task_counts cells were created concurrently; the write was rolled back');
  }
  const existing = new Set(
    rows.map(
      (r) => `${Number(r.user_id)}:${Number(r.relation)}:${Number(r.status)}:${Number(r.priority)}`,
    ),
  );
  const missing = deltas.filter(
    (d) => !existing.has(`${d.userId}:${d.relation}:${d.status}:${d.priority}`),
  );
  const upsert = buildCountsUpsert(missing);
  await run(upsert.sql, upsert.params);
}

/** `(SELECT 1 AS name UNION ALL SELECT 2 …)`: constant rows for a cross join. */
function constantRows(name: string, values: readonly number[]): string {
  return `(${values.map((v, i) => (i === 0 ? `SELECT ${v} AS ${name}` : `SELECT ${v}`)).join(' UNION ALL ')})`;
}

const STATUS_CODES = TASK_STATUSES.map((s) => statusCode(s));
const PRIORITY_CODES = TASK_PRIORITIES.map((p) => priorityCode(p));

/** Every cell of one user at zero: what registration inserts with the user row. */
export function buildUserCellsInsert(userId: number): SqlQuery {
  const cells = TASK_RELATIONS.flatMap((relation) =>
    STATUS_CODES.flatMap((status) =>
      PRIORITY_CODES.map((priority) => [relation, status, priority]),
    ),
  );
  return {
    sql:
      'INSERT INTO task_counts (user_id, relation, status, priority, n) ' +
      `VALUES ${cells.map(() => '(?, ?, ?, ?, 0)').join(', ')}`,
    params: cells.flatMap((cell) => [userId, ...cell]),
  };
}

/**
 * Set-based recount of the users with ids in [fromId, toId], for bulk loads that bypass the
 * service (the seed script, tests inserting rows by SQL): their cells are created at zero if
 * missing, then set from their live tasks, owned or assigned. Run it in one transaction while
 * nothing else writes those users' tasks: it sets the counters, it does not add to them.
 */
export function buildCountsRecount(fromId: number, toId: number): SqlQuery[] {
  const relation =
    `CASE WHEN t.assignee_id IS NULL THEN ${TaskRelation.OwnedUnassigned} ` +
    `WHEN t.assignee_id = t.user_id THEN ${TaskRelation.OwnedAssignedSelf} ` +
    `ELSE ${TaskRelation.OwnedAssignedOther} END`;
  return [
    {
      sql:
        'INSERT INTO task_counts (user_id, relation, status, priority, n) ' +
        'SELECT u.id, r.relation, s.status, p.priority, 0 FROM users u ' +
        `CROSS JOIN ${constantRows('relation', TASK_RELATIONS)} r ` +
        `CROSS JOIN ${constantRows('status', STATUS_CODES)} s ` +
        `CROSS JOIN ${constantRows('priority', PRIORITY_CODES)} p ` +
        'WHERE u.id BETWEEN ? AND ? ON DUPLICATE KEY UPDATE n = 0',
      params: [fromId, toId],
    },
    {
      sql:
        'INSERT INTO task_counts (user_id, relation, status, priority, n) ' +
        'SELECT v.user_id, v.relation, v.status, v.priority, COUNT(*) FROM (' +
        `SELECT t.user_id, ${relation} AS relation, t.status, t.priority FROM tasks t ` +
        'WHERE t.user_id BETWEEN ? AND ? AND t.deleted_at IS NULL ' +
        `UNION ALL SELECT t.assignee_id, ${TaskRelation.AssignedByOther}, t.status, t.priority ` +
        'FROM tasks t WHERE t.assignee_id BETWEEN ? AND ? AND t.deleted_at IS NULL ' +
        'AND t.assignee_id <> t.user_id' +
        ') v GROUP BY v.user_id, v.relation, v.status, v.priority ' +
        'ON DUPLICATE KEY UPDATE n = VALUES(n)',
      params: [fromId, toId, fromId, toId],
    },
  ];
}
