import type { CreateTaskDto } from './dto/create-task.dto';
import type { UpdateTaskDto } from './dto/update-task.dto';
import { parseRfc3339 } from '../common/validators/is-rfc3339.validator';
import type { Task } from './task.entity';
import { TaskForbiddenError } from './task.errors';

/** How the caller relates to a task it can see. The owner wins when it assigned itself. */
export type TaskRole = 'owner' | 'assignee';

export function roleOf(task: Pick<Task, 'userId' | 'assigneeId'>, userId: number): TaskRole | null {
  if (task.userId === userId) return 'owner';
  if (task.assigneeId === userId) return 'assignee';
  return null;
}

/** Body fields an assignee may send; anything else is the owner's. */
const ASSIGNEE_FIELDS: ReadonlySet<string> = new Set(['status']);

/**
 * The owner may change every field; the assignee only `status`. Sending another field counts
 * as changing it, even with its current value, so the rule does not depend on the task's state.
 */
export function assertMayUpdate(role: TaskRole, fields: readonly string[]): void {
  if (role === 'owner') return;
  const denied = fields.filter((field) => !ASSIGNEE_FIELDS.has(field));
  if (denied.length > 0) {
    throw new TaskForbiddenError(
      `only the owner may change ${denied.join(', ')}; the assignee may change status only`,
    );
  }
}

export function assertMayDelete(role: TaskRole): void {
  if (role !== 'owner') throw new TaskForbiddenError('only the owner may delete the task');
}

/** The fields of a task that a request can set. */
export type TaskFields = Pick<
  Task,
  'title' | 'description' | 'status' | 'priority' | 'dueDate' | 'assigneeId' | 'completedAt'
>;

function dueDateOf(value: string | null): Date | null {
  return value === null ? null : (parseRfc3339(value) ?? null);
}

/** The fields of a new task, with the documented defaults. */
export function newTaskFields(dto: CreateTaskDto, now: Date): TaskFields {
  const status = dto.status ?? 'pending';
  return {
    title: dto.title,
    description: dto.description ?? '',
    status,
    priority: dto.priority ?? 'medium',
    dueDate: dueDateOf(dto.due_date ?? null),
    assigneeId: dto.assignee_id ?? null,
    completedAt: status === 'completed' ? now : null,
  };
}

/** The body fields that were sent (present, even when null). */
export function sentFields(dto: UpdateTaskDto): string[] {
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
  dto: UpdateTaskDto,
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
