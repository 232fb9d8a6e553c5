import { RunSql, SqlQuery } from '../../common/database/sql';
import type { TaskResponseDto } from '../dto/task-response.dto';
import { priorityCode, statusCode } from '../domain/task.constants';
import { buildHourlyCountsRecount } from './hourly-counts.sql';

/**
 * task_counts (CreateProjects migration): live tasks per (kind, subject, project, unassigned,
 * status, priority), kept exact by every task write in its own transaction. A write moves at
 * most one cell of each kind, whatever the number of the project's members, and a count is a
 * sum over a few primary-key ranges, whatever the number of tasks.
 */
export const CountKind = {
  /** A project's tasks (subject 0). */
  Project: 1,
  /** A user's assigned tasks, per project (subject: the assignee). */
  Assigned: 2,
  /** A user's created tasks, per project (subject: the creator). */
  Created: 3,
} as const;
export type CountKind = (typeof CountKind)[keyof typeof CountKind];

/** One row of task_counts (its primary key). */
export interface CountCell {
  kind: CountKind;
  subjectId: number;
  projectId: number;
  unassigned: 0 | 1;
  status: number;
  priority: number;
}

export interface CountDelta extends CountCell {
  delta: number;
}

/** The fields of a task that decide its cells. */
export type CountedTask = Pick<
  TaskResponseDto,
  'user_id' | 'project_id' | 'assignee_id' | 'status' | 'priority'
>;

/** The cells a live task adds one to: its project's, its creator's and its assignee's. */
export function cellsOf(task: CountedTask): CountCell[] {
  const base = {
    projectId: task.project_id,
    unassigned: task.assignee_id === null ? (1 as const) : (0 as const),
    status: statusCode(task.status),
    priority: priorityCode(task.priority),
  };
  const cells: CountCell[] = [
    { kind: CountKind.Project, subjectId: 0, ...base },
    { kind: CountKind.Created, subjectId: task.user_id, ...base },
  ];
  if (task.assignee_id !== null) {
    cells.push({ kind: CountKind.Assigned, subjectId: task.assignee_id, ...base });
  }
  return cells;
}

const keyOf = (c: CountCell): string =>
  `${c.kind}:${c.subjectId}:${c.projectId}:${c.unassigned}:${c.status}:${c.priority}`;

/** Primary-key order: the order InnoDB locks the rows in, and a stable one for tests. */
function compareCells(a: CountCell, b: CountCell): number {
  return (
    a.kind - b.kind ||
    a.subjectId - b.subjectId ||
    a.projectId - b.projectId ||
    a.unassigned - b.unassigned ||
    a.status - b.status ||
    a.priority - b.priority
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
    const current = byKey.get(keyOf(cell));
    if (current) current.delta += delta;
    else byKey.set(keyOf(cell), { ...cell, delta });
  };
  if (before) for (const cell of cellsOf(before)) add(cell, -1);
  if (after) for (const cell of cellsOf(after)) add(cell, +1);
  return [...byKey.values()].filter((d) => d.delta !== 0).sort(compareCells);
}

const CELL_MATCH =
  '(kind = ? AND subject_id = ? AND project_id = ? AND unassigned = ? AND status = ? AND priority = ?)';

function cellParams(c: CountCell): number[] {
  return [c.kind, c.subjectId, c.projectId, c.unassigned, c.status, c.priority];
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
      'SELECT kind, subject_id, project_id, unassigned, status, priority FROM task_counts ' +
      `WHERE ${cells.map(() => CELL_MATCH).join(' OR ')} FOR UPDATE`,
    params: cells.flatMap(cellParams),
  };
}

/** Inserts the deltas as new cells; a cell that appeared meanwhile gets its delta added. */
export function buildCountsUpsert(deltas: CountDelta[]): SqlQuery {
  return {
    sql:
      'INSERT INTO task_counts (kind, subject_id, project_id, unassigned, status, priority, n) ' +
      `VALUES ${deltas.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')} ` +
      'ON DUPLICATE KEY UPDATE n = n + VALUES(n)',
    params: deltas.flatMap((d) => [...cellParams(d), d.delta]),
  };
}

/** Raised when cells were created concurrently; the caller's transaction is retried. */
export class CountCellsRaceError extends Error {
  constructor() {
    super('task_counts cells were created concurrently; the write is retried');
  }
}

/**
 * Applies `deltas` inside the caller's transaction: one UPDATE when every cell exists (the
 * usual case: a cell is created by the first task that counts in it and never removed but with
 * its project). Missing cells are inserted with their deltas after locking the ones that
 * exist. If a concurrent transaction created some of them between the two statements, which of
 * them the UPDATE reached is unknown, so the write fails with CountCellsRaceError (and rolls
 * back, to be retried) rather than letting a counter drift.
 */
export async function applyCountDeltas(run: RunSql, deltas: CountDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const update = buildCountsUpdate(deltas);
  const result = (await run(update.sql, update.params)) as { affectedRows?: number };
  const affected = Number(result.affectedRows ?? 0);
  if (affected === deltas.length) return;

  const lock = buildCellsLock(deltas);
  const rows = (await run(lock.sql, lock.params)) as Array<Record<string, unknown>>;
  if (rows.length !== affected) throw new CountCellsRaceError();
  const existing = new Set(
    rows.map((r) =>
      keyOf({
        kind: Number(r.kind) as CountKind,
        subjectId: Number(r.subject_id),
        projectId: Number(r.project_id),
        unassigned: Number(r.unassigned) as 0 | 1,
        status: Number(r.status),
        priority: Number(r.priority),
      }),
    ),
  );
  const missing = deltas.filter((d) => !existing.has(keyOf(d)));
  const upsert = buildCountsUpsert(missing);
  await run(upsert.sql, upsert.params);
}

/** Removes every cell of a deleted project (its tasks were soft-deleted in the same transaction). */
export function buildProjectCountsDelete(projectId: number): SqlQuery {
  return { sql: 'DELETE FROM task_counts WHERE project_id = ?', params: [projectId] };
}

/**
 * Set-based recount of every counter (task_counts' cells and task_hourly_counts) of the
 * projects with ids in [fromId, toId], for bulk loads that bypass the service (the seed script,
 * the benchmark's cleanup, tests inserting rows by SQL). Run it in one transaction while nothing
 * else writes those projects' tasks: it sets the counters.
 */
export function buildCountsRecount(fromId: number, toId: number): SqlQuery[] {
  return [
    ...buildHourlyCountsRecount(fromId, toId),
    { sql: 'DELETE FROM task_counts WHERE project_id BETWEEN ? AND ?', params: [fromId, toId] },
    {
      sql:
        'INSERT INTO task_counts (kind, subject_id, project_id, unassigned, status, priority, n) ' +
        'SELECT v.kind, v.subject_id, v.project_id, v.unassigned, v.status, v.priority, COUNT(*) FROM (' +
        `SELECT ${CountKind.Project} AS kind, 0 AS subject_id, t.project_id, t.assignee_id IS NULL AS unassigned, t.status, t.priority ` +
        'FROM tasks t WHERE t.project_id BETWEEN ? AND ? AND t.deleted_at IS NULL ' +
        `UNION ALL SELECT ${CountKind.Assigned}, t.assignee_id, t.project_id, 0, t.status, t.priority ` +
        'FROM tasks t WHERE t.project_id BETWEEN ? AND ? AND t.deleted_at IS NULL AND t.assignee_id IS NOT NULL ' +
        `UNION ALL SELECT ${CountKind.Created}, t.user_id, t.project_id, t.assignee_id IS NULL, t.status, t.priority ` +
        'FROM tasks t WHERE t.project_id BETWEEN ? AND ? AND t.deleted_at IS NULL' +
        ') v GROUP BY v.kind, v.subject_id, v.project_id, v.unassigned, v.status, v.priority',
      params: [fromId, toId, fromId, toId, fromId, toId],
    },
  ];
}
