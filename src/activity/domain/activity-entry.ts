import { stringify } from 'safe-stable-stringify';
import type { TaskResponseDto } from '../../tasks/dto/task-response.dto';
import type { TaskEvent } from '../../tasks/events/task-event';

export const ACTIVITY_TYPES = [
  'created',
  'updated',
  'moved',
  'commented',
  'attachment_added',
  'attachment_removed',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** A JSON value as a change reports it: a field's value, or the sorted names of `labels`. */
export type ChangeValue = string | number | boolean | null | string[];

export interface ActivityChange {
  field: string;
  from: ChangeValue;
  to: ChangeValue;
}

/** One entry to write: what happened to which task (in which project at the time), by whom. */
export interface NewActivityEntry {
  taskId: number;
  /** The task's project when it happened (after a move: the new one). */
  projectId: number;
  actorId: number;
  type: ActivityType;
  changes: ActivityChange[];
  createdAt: Date;
}

/**
 * Fields that are no user's change: the identity, the creator (never changes), the timestamps
 * every write moves, and `completed_at`, which follows `status` (the `status` change already
 * says the task was completed or reopened; its time is the entry's `created_at`).
 */
const NOT_DIFFED: ReadonlySet<string> = new Set([
  'id',
  'user_id',
  'created_at',
  'updated_at',
  'completed_at',
]);

/** Labels are compared and reported by name, sorted, so a reorder or a colour is no change. */
function labelNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((label: unknown) =>
      typeof label === 'object' && label !== null && 'name' in label
        ? String(label.name)
        : String(label),
    )
    .sort();
}

function reported(field: string, value: unknown): ChangeValue {
  if (field === 'labels') return labelNames(value);
  if (value === undefined) return null;
  return value as ChangeValue;
}

/**
 * Each field that differs between two versions of a task, in the DTO's field order, with its
 * old and new value as clients see them (compared as JSON). Generic over the DTO's fields, so a
 * field added to TaskResponseDto (labels) is reported without a change here.
 */
export function taskChanges(before: TaskResponseDto, after: TaskResponseDto): ActivityChange[] {
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
    (field) => !NOT_DIFFED.has(field),
  );
  const changes: ActivityChange[] = [];
  for (const field of fields) {
    const from = reported(field, b[field]);
    const to = reported(field, a[field]);
    if (stringify(from) !== stringify(to)) changes.push({ field, from, to });
  }
  return changes;
}

/** The comment a `comment.created` event carries (the comments module's response). */
interface EventComment {
  id: number;
}

/**
 * The one activity entry of one write's events, or null (a reminder, a deletion). A write may
 * record several events (task.updated with task.assigned and task.completed) and makes one entry,
 * from the event that says what the write was: task.created, task.updated or comment.created.
 *
 * - `created` lists no changes, as GitHub's "opened" and Plane's "created the work item" do: the
 *   initial values are the task's first version, and the later entries say what changed since.
 * - `moved` is an update whose `project_id` changed; its changes list `project_id` and every
 *   other field the same write changed.
 * - `commented` lists `{"field": "comment", "from": null, "to": <comment id>}`.
 */
export function activityEntryOf(
  events: readonly TaskEvent[],
  projectIdOfComment?: number,
): NewActivityEntry | null {
  for (const event of events) {
    const base = { taskId: event.taskId, actorId: event.actorId, createdAt: event.occurredAt };
    // A string compare: comment.created is recorded by the comments module through the same
    // seam, and is no TaskEventType of the tasks module itself.
    const type: string = event.type;
    if (type === 'task.created' && event.after) {
      return { ...base, projectId: event.after.project_id, type: 'created', changes: [] };
    }
    if (type === 'task.updated' && event.before && event.after) {
      const changes = taskChanges(event.before, event.after);
      if (changes.length === 0) return null;
      const moved = event.before.project_id !== event.after.project_id;
      return {
        ...base,
        projectId: event.after.project_id,
        type: moved ? 'moved' : 'updated',
        changes,
      };
    }
    if (type === 'comment.created') {
      const comment = (event as TaskEvent & { comment?: EventComment }).comment;
      const projectId = (event.after ?? event.before)?.project_id ?? projectIdOfComment;
      if (!comment || projectId === undefined) return null;
      return {
        ...base,
        projectId,
        type: 'commented',
        changes: [{ field: 'comment', from: null, to: comment.id }],
      };
    }
  }
  return null;
}

/** The task a write deleted, if it deleted one (its entries leave the project feed). */
export function deletedTaskOf(events: readonly TaskEvent[]): number | null {
  const deleted = events.find((event) => event.type === 'task.deleted');
  return deleted ? deleted.taskId : null;
}
