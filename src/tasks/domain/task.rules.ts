import { parseRfc3339 } from '../../common/validators/is-rfc3339.validator';
import { hasRole, ProjectRole } from '../../projects/project-role';
import type { TaskPriority, TaskStatus } from './task.constants';
import type { Task } from './task.entity';
import { TaskForbiddenError } from './task.errors';

/**
 * The writable fields of a task as a request sends them (the create and update DTOs have this
 * shape; the rules depend on the shape, not on the HTTP layer). `null` clears a nullable field.
 */
export interface TaskInput {
  title?: string;
  description?: string;
  status?: TaskStatus;
  priority?: TaskPriority;
  due_date?: string | null;
  assignee_id?: number | null;
  project_id?: number;
  /** The labels the task is to carry (ids of labels of its project). */
  label_ids?: number[];
}

/**
 * What the caller may do with a task (API.md "Who may do what"): `edit` every field and delete
 * (editors and above of its project), change `status` only (its assignee otherwise), or `read`
 * (a viewer). Null: the caller cannot see the task.
 */
export type TaskPermission = 'edit' | 'status' | 'read';

export function permissionOf(
  role: ProjectRole | null,
  task: Pick<Task, 'assigneeId'>,
  userId: number,
): TaskPermission | null {
  if (hasRole(role, 'editor')) return 'edit';
  if (task.assigneeId === userId) return 'status';
  return role ? 'read' : null;
}

/** Body fields an assignee who may not edit may send. */
const ASSIGNEE_FIELDS: ReadonlySet<string> = new Set(['status']);

/**
 * Editors may change every field; an assignee who is not an editor only `status`; a viewer
 * nothing. Sending a field counts as changing it, even with its current value, so the rule does
 * not depend on the task's state.
 */
export function assertMayUpdate(permission: TaskPermission, fields: readonly string[]): void {
  if (permission === 'edit') return;
  if (permission === 'read') {
    throw new TaskForbiddenError('viewers of a project may read and comment on its tasks only');
  }
  const denied = fields.filter((field) => !ASSIGNEE_FIELDS.has(field));
  if (denied.length > 0) {
    throw new TaskForbiddenError(
      `only editors of the project may change ${denied.join(', ')}; the assignee may change status only`,
    );
  }
}

export function assertMayDelete(permission: TaskPermission): void {
  if (permission !== 'edit') {
    throw new TaskForbiddenError('only editors of the project may delete the task');
  }
}

/** The fields of a task that a request can set. */
export type TaskFields = Pick<
  Task,
  | 'title'
  | 'description'
  | 'status'
  | 'priority'
  | 'dueDate'
  | 'assigneeId'
  | 'completedAt'
  | 'projectId'
>;

function dueDateOf(value: string | null): Date | null {
  return value === null ? null : (parseRfc3339(value) ?? null);
}

/** The fields of a new task, with the documented defaults. */
export function newTaskFields(
  dto: TaskInput & { title: string },
  projectId: number,
  now: Date,
): TaskFields {
  const status = dto.status ?? 'pending';
  return {
    title: dto.title,
    description: dto.description ?? '',
    status,
    priority: dto.priority ?? 'medium',
    dueDate: dueDateOf(dto.due_date ?? null),
    assigneeId: dto.assignee_id ?? null,
    completedAt: status === 'completed' ? now : null,
    projectId,
  };
}

/** The body fields that were sent (present, even when null). */
export function sentFields(dto: TaskInput): string[] {
  return Object.entries(dto)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
}

/**
 * Applies a partial update: only sent fields change. `completed_at` follows `status`: set when it
 * becomes completed, cleared when it leaves completed, kept otherwise. Returns the new fields and
 * the names of those that really changed (empty: nothing to write).
 */
export function planUpdate(
  current: Task,
  dto: TaskInput,
  now: Date,
): { next: TaskFields; changed: Array<keyof TaskFields> } {
  const next: TaskFields = {
    title: dto.title ?? current.title,
    description: dto.description ?? current.description,
    status: dto.status ?? current.status,
    priority: dto.priority ?? current.priority,
    dueDate: dto.due_date === undefined ? current.dueDate : dueDateOf(dto.due_date),
    assigneeId: dto.assignee_id === undefined ? current.assigneeId : dto.assignee_id,
    completedAt: current.completedAt,
    projectId: dto.project_id ?? current.projectId,
  };
  if (next.status === 'completed' && current.status !== 'completed') next.completedAt = now;
  if (next.status !== 'completed') next.completedAt = null;

  const same = (a: unknown, b: unknown): boolean =>
    a instanceof Date || b instanceof Date
      ? (a as Date | null)?.getTime() === (b as Date | null)?.getTime()
      : a === b;
  const changed = (Object.keys(next) as Array<keyof TaskFields>).filter(
    (key) => !same(next[key], current[key]),
  );
  return { next, changed };
}
