import type { TaskResponseDto } from '../dto/task-response.dto';

export const TASK_EVENT_TYPES = [
  'task.created',
  'task.updated',
  'task.assigned',
  'task.completed',
  'task.deleted',
  /** A due-date reminder fired (written by the reminders job, not by a task write). */
  'task.due_soon',
  /**
   * A comment was added to the task (written by the comments module in the comment's
   * transaction). The task did not change: `before` and `after` are both the task as it was.
   */
  'comment.created',
] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

/**
 * A comment as clients see it (API.md "Comments"), carried by `comment.created`. Declared here,
 * not in comments/, because the events module sits below every module that reacts to events;
 * the comments module's response DTO has exactly this shape.
 */
export interface TaskEventComment {
  id: number;
  task_id: number;
  author: { id: number; username: string };
  body: string;
  /** Ids of the mentioned users who could see the task when the comment was written. */
  mentions: number[];
  created_at: string;
  edited_at: string | null;
}

/** A domain event: what happened to which task, by whom, with the task before and after. */
export interface TaskEvent {
  type: TaskEventType;
  taskId: number;
  actorId: number;
  occurredAt: Date;
  /** The task as clients see it; null before a creation. */
  before: TaskResponseDto | null;
  /** The task as clients see it; null after a deletion. */
  after: TaskResponseDto | null;
  /** The comment of a `comment.created` event; absent on every other type. */
  comment?: TaskEventComment;
}

/**
 * Whether the event is the first of its task. `task.created` is recorded with the task's INSERT,
 * first among that write's events, and every later event of the task needs the task committed,
 * so it has a higher id: nothing of its task precedes it, and the dispatcher and the real-time
 * feed ask MySQL nothing about its predecessors.
 */
export function opensItsTask(event: Pick<TaskEvent, 'type'>): boolean {
  return event.type === 'task.created';
}

/**
 * The events of one write. Every update is `task.updated`; it is also `task.assigned` when the
 * assignee changes to someone and `task.completed` when the status becomes completed. A creation
 * with an assignee or already completed says so too.
 */
export function taskEventTypes(
  before: TaskResponseDto | null,
  after: TaskResponseDto | null,
): TaskEventType[] {
  if (after === null) return before === null ? [] : ['task.deleted'];
  const types: TaskEventType[] = [before === null ? 'task.created' : 'task.updated'];
  if (after.assignee_id !== null && after.assignee_id !== (before?.assignee_id ?? null)) {
    types.push('task.assigned');
  }
  if (after.status === 'completed' && before?.status !== 'completed') types.push('task.completed');
  return types;
}
