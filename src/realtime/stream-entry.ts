import type { NotificationResponseDto } from '../notifications/dto/notification-response.dto';
import type { TaskResponseDto } from '../tasks/dto/task-response.dto';
import type { DispatchedTaskEvent } from '../tasks/events/task-event-consumer';

/** Where a task was, for deciding who sees it: its project and assignee. */
export interface TaskSight {
  project_id: number;
  assignee_id: number | null;
}

/**
 * What the real-time stream carries (one Redis stream entry each, shared by every instance).
 * Recipients are decided when an instance delivers an entry, not when it is written, so a
 * membership change between the two is honoured.
 */
export type StreamEntry =
  | {
      /** A task event (any type whose visibility is the task's: `task.*`, `comment.created`). */
      kind: 'task';
      event: string;
      task_id: number;
      /** When it happened (epoch ms): `created_at`, and the start of the fan-out latency. */
      at: number;
      before: TaskSight | null;
      after: TaskSight | null;
      data: unknown;
    }
  | {
      kind: 'notification';
      user_id: number;
      at: number;
      notification: NotificationResponseDto;
    }
  | {
      /** The user stops seeing this task: removed from its project, or the project deleted. */
      kind: 'hidden';
      user_id: number;
      task_id: number;
      at: number;
    }
  | {
      /** The user must reload (too much changed to tell event by event). */
      kind: 'resync';
      user_id: number;
      at: number;
    };

function sight(task: TaskResponseDto | null): TaskSight | null {
  return task && { project_id: task.project_id, assignee_id: task.assignee_id };
}

/**
 * The entry of a dispatched task event. `data` is what a webhook delivery carries (`{task}`,
 * the task as it was before a deletion), plus any other field the event brings (a comment
 * event's `comment`), so new event types reach sockets without a change here.
 */
export function taskStreamEntry(event: DispatchedTaskEvent): StreamEntry | null {
  const task = event.type === 'task.deleted' ? event.before : (event.after ?? event.before);
  if (!task) return null;
  const extra = event as unknown as Record<string, unknown>;
  const data: Record<string, unknown> = { task };
  for (const [key, value] of Object.entries(extra)) {
    if (!TASK_EVENT_FIELDS.has(key) && value !== undefined) data[key] = value;
  }
  return {
    kind: 'task',
    event: event.type,
    task_id: event.taskId,
    at: event.occurredAt.getTime(),
    before: sight(event.before),
    after: sight(event.after),
    data,
  };
}

/** The fields every task event has; any other field of an event is part of its `data`. */
const TASK_EVENT_FIELDS = new Set([
  'id',
  'type',
  'taskId',
  'actorId',
  'occurredAt',
  'before',
  'after',
]);

/** Who a task entry is for, as seen by one user at delivery time. */
export type TaskDelivery = 'event' | 'hidden' | 'none';

/**
 * `event` when the user sees the task after the change (a member of its project, or its
 * assignee; for a deletion, as it was before); `hidden` when it saw the task before an update
 * and no longer does (reassigned away, moved to another project). Only `task.updated` turns
 * into `task.hidden`: every update that changes who sees a task is one, and the other events of
 * the same write (`task.assigned`, `task.completed`) would tell it again.
 */
export function taskDeliveryFor(
  entry: Extract<StreamEntry, { kind: 'task' }>,
  userId: number,
  isMember: (projectId: number) => boolean,
): TaskDelivery {
  const sees = (s: TaskSight | null): boolean =>
    s !== null && (s.assignee_id === userId || isMember(s.project_id));
  if (entry.after === null) return sees(entry.before) ? 'event' : 'none';
  if (sees(entry.after)) return 'event';
  return entry.event === 'task.updated' && sees(entry.before) ? 'hidden' : 'none';
}

/** The projects an entry touches, for `subscribe` (empty: not about a project). */
export function projectsOf(entry: StreamEntry): number[] {
  if (entry.kind !== 'task') return [];
  return [
    ...new Set([entry.before?.project_id, entry.after?.project_id].filter((p) => p !== undefined)),
  ];
}
