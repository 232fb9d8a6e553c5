import type { DataSource } from 'typeorm';
import { PRIORITIES, STATUSES } from './random-task-ops';
import type { TaskJson } from './tasks';

/**
 * Ground truths of the read models, computed in JS from the stored rows and the membership
 * table, independently of the SQL the service uses.
 */

/** A live task as stored. */
export interface TaskRow {
  id: number;
  project_id: number;
  user_id: number;
  assignee_id: number | null;
  status: TaskJson['status'];
  priority: TaskJson['priority'];
  title: string;
  description: string;
  created_at: Date;
  completed_at: Date | null;
}

/** The users' live tasks, and who is a member of which live project. */
export interface Store {
  tasks: TaskRow[];
  /** Live project id → its members' ids. */
  members: Map<number, Set<number>>;
  /** Every project the users own (deleted ones included). */
  projectIds: number[];
}

export async function readStore(ds: DataSource, userIds: readonly number[]): Promise<Store> {
  const rows = await ds.query<Array<Record<string, unknown>>>(
    `SELECT t.id, t.project_id, t.user_id, t.assignee_id, t.status, t.priority, t.title,
       t.description, t.created_at, t.completed_at
     FROM tasks t WHERE t.deleted_at IS NULL AND t.user_id IN (?)`,
    [userIds],
  );
  const tasks = rows.map((r): TaskRow => ({
    id: Number(r.id),
    project_id: Number(r.project_id),
    user_id: Number(r.user_id),
    assignee_id: r.assignee_id === null ? null : Number(r.assignee_id),
    status: STATUSES[Number(r.status) - 1],
    priority: PRIORITIES[Number(r.priority) - 1],
    title: String(r.title),
    description: String(r.description),
    created_at: r.created_at as Date,
    completed_at: r.completed_at as Date | null,
  }));
  const memberRows = await ds.query<Array<{ project_id: number; user_id: number }>>(
    `SELECT m.project_id, m.user_id FROM project_members m
     JOIN projects p ON p.id = m.project_id AND p.deleted_at IS NULL
     WHERE p.owner_id IN (?)`,
    [userIds],
  );
  const members = new Map<number, Set<number>>();
  for (const m of memberRows) {
    const set = members.get(Number(m.project_id)) ?? new Set<number>();
    set.add(Number(m.user_id));
    members.set(Number(m.project_id), set);
  }
  const projects = await ds.query<Array<{ id: number }>>(
    'SELECT id FROM projects WHERE owner_id IN (?)',
    [userIds],
  );
  return { tasks, members, projectIds: projects.map((p) => Number(p.id)) };
}

/** API.md "Who may do what": a member of the task's live project, or its assignee. */
export function isVisible(store: Store, userId: number, task: TaskRow): boolean {
  const members = store.members.get(task.project_id);
  if (!members) return false;
  return members.has(userId) || task.assignee_id === userId;
}

/** The listing filters the truths understand (a subset of the query string). */
export interface ListFilters {
  scope: 'all' | 'owned' | 'assigned';
  assignee?: number | 'none';
  status?: ReadonlyArray<TaskJson['status']>;
  priority?: ReadonlyArray<TaskJson['priority']>;
  projectIds?: readonly number[];
  q?: string;
}

/** Every whitespace-separated term occurs, case-insensitively, in the title or description. */
export function matchesTerms(task: TaskRow, q: string | undefined): boolean {
  const terms = (q ?? '').split(/\s+/).filter((term) => term.length > 0);
  const title = task.title.toLowerCase();
  const description = task.description.toLowerCase();
  return terms.every((term) => {
    const needle = term.toLowerCase();
    return title.includes(needle) || description.includes(needle);
  });
}

/** The tasks `userId` sees that the filters select (unordered). */
export function selected(store: Store, userId: number, f: ListFilters): TaskRow[] {
  return store.tasks.filter(
    (t) =>
      isVisible(store, userId, t) &&
      (f.scope !== 'owned' || t.user_id === userId) &&
      (f.scope !== 'assigned' || t.assignee_id === userId) &&
      (f.assignee === undefined ||
        (f.assignee === 'none' ? t.assignee_id === null : t.assignee_id === f.assignee)) &&
      (!f.status || f.status.includes(t.status)) &&
      (!f.priority || f.priority.includes(t.priority)) &&
      (!f.projectIds || f.projectIds.includes(t.project_id)) &&
      matchesTerms(t, f.q),
  );
}

/** The query string of `f`. */
export function listQuery(f: ListFilters): Record<string, string> {
  const query: Record<string, string> = { scope: f.scope };
  if (f.assignee !== undefined) query.assignee_id = String(f.assignee);
  if (f.status) query.status = f.status.join(',');
  if (f.priority) query.priority = f.priority.join(',');
  if (f.projectIds) query.project_id = f.projectIds.join(',');
  if (f.q !== undefined) query.q = f.q;
  return query;
}

const cellKey = (...parts: number[]): string => parts.join(':');

/**
 * task_counts as it must be (CreateProjects migration): per project, status and priority, one
 * cell of the project (kind 1, subject 0), one of the creator (kind 3) and one of the assignee
 * (kind 2), split by "unassigned". Keys `kind:subject:project:unassigned:status:priority`.
 */
export function expectedCells(tasks: readonly TaskRow[]): Map<string, number> {
  const cells = new Map<string, number>();
  const add = (key: string): void => {
    cells.set(key, (cells.get(key) ?? 0) + 1);
  };
  for (const t of tasks) {
    const unassigned = t.assignee_id === null ? 1 : 0;
    const rest = [t.project_id, unassigned, STATUSES.indexOf(t.status) + 1];
    const priority = PRIORITIES.indexOf(t.priority) + 1;
    add(cellKey(1, 0, ...rest, priority));
    add(cellKey(3, t.user_id, ...rest, priority));
    if (t.assignee_id !== null) add(cellKey(2, t.assignee_id, ...rest, priority));
  }
  return cells;
}

/** The stored cells of the projects (zero cells included), by the same keys. */
export async function storedCells(
  ds: DataSource,
  projectIds: readonly number[],
): Promise<Map<string, number>> {
  const rows = await ds.query<Array<Record<string, unknown>>>(
    `SELECT kind, subject_id, project_id, unassigned, status, priority, n FROM task_counts
     WHERE project_id IN (?)`,
    [projectIds],
  );
  return new Map(
    rows.map((r) => [
      cellKey(
        ...['kind', 'subject_id', 'project_id', 'unassigned', 'status', 'priority'].map((c) =>
          Number(r[c]),
        ),
      ),
      Number(r.n),
    ]),
  );
}

/** The cells whose stored value differs from the recount (a missing cell counts as 0). */
export function cellDrift(
  stored: Map<string, number>,
  expected: Map<string, number>,
): Array<{ cell: string; stored: number; expected: number }> {
  const keys = new Set([...stored.keys(), ...expected.keys()]);
  return [...keys]
    .map((cell) => ({ cell, stored: stored.get(cell) ?? 0, expected: expected.get(cell) ?? 0 }))
    .filter((d) => d.stored !== d.expected);
}

const HOUR_MS = 3_600_000;

/**
 * task_hourly_counts as it must be (CreateTaskHourlyCounts migration): live tasks per project
 * and UTC hour since the epoch, created (kind 1) and completed (kind 2). Keys
 * `project:kind:hour`.
 */
export function expectedHourlyCounts(
  tasks: ReadonlyArray<Pick<TaskRow, 'project_id' | 'created_at' | 'completed_at'>>,
): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string): void => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  for (const t of tasks) {
    add(cellKey(t.project_id, 1, Math.floor(t.created_at.getTime() / HOUR_MS)));
    if (t.completed_at)
      add(cellKey(t.project_id, 2, Math.floor(t.completed_at.getTime() / HOUR_MS)));
  }
  return counts;
}

/** The stored hourly counters of the projects (zeros included), by the same keys. */
export async function storedHourlyCounts(
  ds: DataSource,
  projectIds: readonly number[],
): Promise<Map<string, number>> {
  const rows = await ds.query<Array<Record<string, unknown>>>(
    'SELECT project_id, kind, hour, n FROM task_hourly_counts WHERE project_id IN (?)',
    [projectIds],
  );
  return new Map(
    rows.map((r) => [cellKey(Number(r.project_id), Number(r.kind), Number(r.hour)), Number(r.n)]),
  );
}
