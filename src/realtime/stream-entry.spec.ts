import type { TaskResponseDto } from '../tasks/dto/task-response.dto';
import type { DispatchedTaskEvent } from '../tasks/events/task-event-consumer';
import { StreamEntry, taskDeliveryFor, taskStreamEntry } from './stream-entry';

const task: TaskResponseDto = {
  id: 5,
  title: 'Write the docs',
  description: '',
  status: 'pending',
  priority: 'medium',
  user_id: 1,
  project_id: 10,
  assignee_id: 2,
  due_date: null,
  completed_at: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  labels: [],
};

function event(overrides: Partial<DispatchedTaskEvent>): DispatchedTaskEvent {
  return {
    id: 90,
    type: 'task.updated',
    taskId: task.id,
    actorId: 1,
    occurredAt: new Date('2026-01-02T00:00:00.000Z'),
    before: task,
    after: task,
    ...overrides,
  };
}

type TaskEntry = Extract<StreamEntry, { kind: 'task' }>;
const entryOf = (e: DispatchedTaskEvent): TaskEntry => taskStreamEntry(e) as TaskEntry;
/** Project 10's members: 1 and 3; project 20's: 1. */
const members: Record<number, number[]> = { 10: [1, 3], 20: [1] };
const isMember = (user: number) => (project: number) => members[project]?.includes(user) ?? false;

describe('taskStreamEntry', () => {
  it('should carry the webhook data: the task after, or before a deletion', () => {
    expect(entryOf(event({})).data).toEqual({ task });
    const deleted = entryOf(event({ type: 'task.deleted', after: null }));
    expect(deleted.data).toEqual({ task });
    expect(deleted.after).toBeNull();
    expect(deleted.before).toEqual({ project_id: 10, assignee_id: 2 });
    expect(deleted.at).toBe(Date.parse('2026-01-02T00:00:00.000Z'));
  });

  it("should pass an event's extra fields (a comment) into data", () => {
    const comment = { id: 3, body: 'hi' };
    const withComment = { ...event({}), type: 'comment.created', comment } as unknown;
    expect(entryOf(withComment as DispatchedTaskEvent).data).toEqual({ task, comment });
  });
});

describe('taskDeliveryFor', () => {
  it('should deliver to members and the assignee, and nothing to a stranger', () => {
    const entry = entryOf(event({}));
    expect(taskDeliveryFor(entry, 3, isMember(3))).toBe('event');
    expect(taskDeliveryFor(entry, 2, isMember(2))).toBe('event');
    expect(taskDeliveryFor(entry, 4, isMember(4))).toBe('none');
  });

  it('should hide a task from its former assignee and from members of the old project', () => {
    const reassigned = entryOf(event({ after: { ...task, assignee_id: 3 } }));
    expect(taskDeliveryFor(reassigned, 2, isMember(2))).toBe('hidden');
    expect(taskDeliveryFor(reassigned, 3, isMember(3))).toBe('event');
    const moved = entryOf(event({ after: { ...task, project_id: 20, assignee_id: null } }));
    expect(taskDeliveryFor(moved, 3, isMember(3))).toBe('hidden');
    expect(taskDeliveryFor(moved, 1, isMember(1))).toBe('event');
  });

  it('should tell the hiding once per write: only on task.updated', () => {
    const assigned = entryOf(event({ type: 'task.assigned', after: { ...task, assignee_id: 3 } }));
    expect(taskDeliveryFor(assigned, 2, isMember(2))).toBe('none');
  });

  it('should deliver a deletion to those who saw the task before it', () => {
    const deleted = entryOf(event({ type: 'task.deleted', after: null }));
    expect(taskDeliveryFor(deleted, 2, isMember(2))).toBe('event');
    expect(taskDeliveryFor(deleted, 3, isMember(3))).toBe('event');
    expect(taskDeliveryFor(deleted, 4, isMember(4))).toBe('none');
  });
});
