import type { TaskResponseDto } from '../tasks/dto/task-response.dto';

/** The one delayed reminder a task should have: when it fires and for which due date. */
export interface DesiredReminder {
  jobId: string;
  /** The due date it reminds of (epoch ms); the job is stale once the task's differs. */
  dueAtMs: number;
  /** Milliseconds from `nowMs` until it fires; 0 when the lead time has already begun. */
  delayMs: number;
}

type ReminderFields = Pick<TaskResponseDto, 'id' | 'status' | 'due_date'>;

/**
 * Deterministic, so that a redelivered event cannot queue a second reminder and a due date
 * change can name the job to remove.
 */
export function reminderJobId(taskId: number, dueAtMs: number): string {
  return `reminder-${taskId}-${dueAtMs}`;
}

/** The due date (epoch ms) a reminder would be for, or null when the task needs none. */
function reminderDueAt(task: ReminderFields | null): number | null {
  if (task === null || task.status === 'completed' || task.due_date === null) return null;
  const dueAtMs = Date.parse(task.due_date);
  return Number.isFinite(dueAtMs) ? dueAtMs : null;
}

/**
 * The reminder a task in this state should have: `leadMs` before its due date, at once when
 * that moment has passed but the due date has not; none for a deleted or completed task, one
 * without a due date, or one already due.
 */
export function desiredReminder(
  task: ReminderFields | null,
  leadMs: number,
  nowMs: number,
): DesiredReminder | null {
  const dueAtMs = reminderDueAt(task);
  if (task === null || dueAtMs === null || dueAtMs <= nowMs) return null;
  return {
    jobId: reminderJobId(task.id, dueAtMs),
    dueAtMs,
    delayMs: Math.max(0, dueAtMs - leadMs - nowMs),
  };
}

/**
 * What one task event means for the queue: remove the reminder job of the state before (when
 * it differs from the one wanted now) and add the one for the state after. Removing a job that
 * no longer exists and adding one whose id exists are both no-ops, so a repeat is harmless.
 */
export function reminderChange(
  before: ReminderFields | null,
  after: ReminderFields | null,
  leadMs: number,
  nowMs: number,
): { remove: string | null; add: DesiredReminder | null } {
  const add = desiredReminder(after, leadMs, nowMs);
  const previousDueAt = reminderDueAt(before);
  const previous =
    before !== null && previousDueAt !== null ? reminderJobId(before.id, previousDueAt) : null;
  return { remove: previous !== null && previous !== add?.jobId ? previous : null, add };
}
