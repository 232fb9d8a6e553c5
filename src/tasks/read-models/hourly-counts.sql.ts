import { placeholders, RunSql, SqlQuery } from '../../common/database/sql';
import type { TaskResponseDto } from '../dto/task-response.dto';

/**
 * task_hourly_counts (CreateTaskHourlyCounts migration): live tasks created and completed per
 * (project, UTC hour), kept exact by every task write in its own transaction, so that the
 * completion report sums a few thousand counters per project instead of reading every task
 * (src/tasks/reports/completion.sql.ts). `hour` is the UTC hour since the epoch.
 */
export const HourlyKind = { Created: 1, Completed: 2 } as const;
export type HourlyKind = (typeof HourlyKind)[keyof typeof HourlyKind];

export const HOUR_MS = 3_600_000;
/** TO_SECONDS('1970-01-01'): TO_SECONDS() counts from year 0, the hours from the epoch. */
export const EPOCH_TO_SECONDS = 62_167_219_200;

/** The hour number of a stored DATETIME column, as the service computes it (hourOf). */
export const hourSql = (column: string): string =>
  `(TO_SECONDS(${column}) - ${EPOCH_TO_SECONDS}) DIV 3600`;

/** The UTC hour holding an instant (ms). */
export const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS);

export interface HourlyDelta {
  projectId: number;
  kind: HourlyKind;
  hour: number;
  delta: number;
}

/** The fields of a task that decide its counters. */
export type HourlyTask = Pick<TaskResponseDto, 'project_id' | 'created_at' | 'completed_at'>;

function cellsOf(task: HourlyTask): Array<Omit<HourlyDelta, 'delta'>> {
  const cells: Array<Omit<HourlyDelta, 'delta'>> = [
    {
      projectId: task.project_id,
      kind: HourlyKind.Created,
      hour: hourOf(Date.parse(task.created_at)),
    },
  ];
  if (task.completed_at !== null) {
    cells.push({
      projectId: task.project_id,
      kind: HourlyKind.Completed,
      hour: hourOf(Date.parse(task.completed_at)),
    });
  }
  return cells;
}

/**
 * The counter changes of one write: -1 for the hours of `before`, +1 for those of `after` (null:
 * no live task on that side), netted, in primary-key order (the order the upsert locks them in,
 * so two writers never wait on each other in a circle). Empty for most updates: only a create,
 * a delete, a move and a change of `completed_at` (completing, reopening) move a counter.
 */
export function hourlyDeltas(before: HourlyTask | null, after: HourlyTask | null): HourlyDelta[] {
  const byKey = new Map<string, HourlyDelta>();
  const add = (cell: Omit<HourlyDelta, 'delta'>, delta: number): void => {
    const key = `${cell.projectId}:${cell.kind}:${cell.hour}`;
    const current = byKey.get(key);
    if (current) current.delta += delta;
    else byKey.set(key, { ...cell, delta });
  };
  if (before) for (const cell of cellsOf(before)) add(cell, -1);
  if (after) for (const cell of cellsOf(after)) add(cell, +1);
  return [...byKey.values()]
    .filter((d) => d.delta !== 0)
    .sort((a, b) => a.projectId - b.projectId || a.kind - b.kind || a.hour - b.hour);
}

/**
 * All deltas in one statement. An existing counter (the usual case: every write of the hour
 * after the first) is a primary-key duplicate, which InnoDB locks with a record lock only; a new
 * hour's row is inserted. A counter that reaches 0 stays (it costs a row, never a wrong sum).
 */
export function buildHourlyCountsUpsert(deltas: readonly HourlyDelta[]): SqlQuery {
  return {
    sql:
      'INSERT INTO task_hourly_counts (project_id, kind, hour, n) ' +
      `VALUES ${deltas.map(() => '(?, ?, ?, ?)').join(', ')} ` +
      'ON DUPLICATE KEY UPDATE n = n + VALUES(n)',
    params: deltas.flatMap((d) => [d.projectId, d.kind, d.hour, d.delta]),
  };
}

/** Applies `deltas` inside the caller's transaction (nothing when empty). */
export async function applyHourlyDeltas(
  run: RunSql,
  deltas: readonly HourlyDelta[],
): Promise<void> {
  if (deltas.length === 0) return;
  const upsert = buildHourlyCountsUpsert(deltas);
  await run(upsert.sql, upsert.params);
}

/** Removes a deleted project's counters (its tasks were soft-deleted in the same transaction). */
export function buildProjectHourlyCountsDelete(projectId: number): SqlQuery {
  return { sql: 'DELETE FROM task_hourly_counts WHERE project_id = ?', params: [projectId] };
}

/**
 * The counters of the live tasks of `where` (conditions on `tasks t`), grouped: the body of
 * the migration's backfill and of the recount.
 */
export function buildHourlyCountsSelect(where: string): string {
  return (
    `SELECT t.project_id, ${HourlyKind.Created} AS kind, ${hourSql('t.created_at')} AS hour, COUNT(*) AS n ` +
    `FROM tasks t WHERE ${where} AND t.deleted_at IS NULL GROUP BY t.project_id, hour ` +
    `UNION ALL SELECT t.project_id, ${HourlyKind.Completed}, ${hourSql('t.completed_at')} AS hour, COUNT(*) ` +
    `FROM tasks t WHERE ${where} AND t.deleted_at IS NULL AND t.completed_at IS NOT NULL ` +
    'GROUP BY t.project_id, hour'
  );
}

/**
 * Set-based recount of the counters of the projects with ids in [fromId, toId], for bulk writes
 * that bypass the service (the seed script, the benchmark's cleanup, tests inserting rows by
 * SQL). Run it in one transaction while nothing else writes those projects' tasks.
 */
export function buildHourlyCountsRecount(fromId: number, toId: number): SqlQuery[] {
  return [
    {
      sql: 'DELETE FROM task_hourly_counts WHERE project_id BETWEEN ? AND ?',
      params: [fromId, toId],
    },
    {
      sql:
        'INSERT INTO task_hourly_counts (project_id, kind, hour, n) ' +
        buildHourlyCountsSelect('t.project_id BETWEEN ? AND ?'),
      params: [fromId, toId, fromId, toId],
    },
  ];
}

/**
 * Created and completed counters of `projectIds` whose hour starts in [fromHour, toHour),
 * summed per (kind, local day): `day` is the SQL expression of the hour's local day (see
 * completion.sql.ts), with its parameters first.
 */
export function buildHourlyCountsByDay(
  projectIds: readonly number[],
  fromHour: number,
  toHour: number,
  day: SqlQuery,
): SqlQuery {
  return {
    sql:
      `SELECT h.kind, ${day.sql} AS day, SUM(h.n) AS n FROM task_hourly_counts h ` +
      `WHERE h.project_id IN (${placeholders(projectIds.length)}) AND h.hour >= ? AND h.hour < ? ` +
      'GROUP BY h.kind, day',
    params: [...day.params, ...projectIds, fromHour, toHour],
  };
}
