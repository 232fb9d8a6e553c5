import type { TaskResponseDto } from '../../tasks/dto/task-response.dto';
import type { TaskEvent } from '../../tasks/events/task-event';
import { activityEntryOf, deletedTaskOf, taskChanges } from './activity-entry';

const task: TaskResponseDto = {
  id: 9,
  title: 'Write the docs',
  description: '',
  status: 'pending',
  priority: 'medium',
  user_id: 1,
  project_id: 3,
  assignee_id: null,
  due_date: null,
  completed_at: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  labels: [],
};

/** A task DTO as it reads once the labels branch adds `labels: [{id, name, color}]`. */
type Labelled = TaskResponseDto & { labels: Array<{ id: number; name: string; color: string }> };
const labelled = (labels: Array<[number, string]>, extra: Partial<TaskResponseDto> = {}) =>
  ({
    ...task,
    ...extra,
    labels: labels.map(([id, name]) => ({ id, name, color: '#123456' })),
  }) as Labelled;

const at = new Date('2026-02-01T10:00:00.000Z');

function event(
  type: string,
  before: TaskResponseDto | null,
  after: TaskResponseDto | null,
  extra: object = {},
): TaskEvent {
  return { type, taskId: 9, actorId: 5, occurredAt: at, before, after, ...extra } as TaskEvent;
}

describe(taskChanges.name, () => {
  it('should list each changed field with its old and new value, in field order', () => {
    const after: TaskResponseDto = {
      ...task,
      title: 'Write the manual',
      status: 'completed',
      assignee_id: 4,
      due_date: '2026-03-01T00:00:00.000Z',
      completed_at: '2026-02-01T10:00:00.000Z',
      updated_at: '2026-02-01T10:00:00.000Z',
    };
    expect(taskChanges(task, after)).toEqual([
      { field: 'title', from: 'Write the docs', to: 'Write the manual' },
      { field: 'status', from: 'pending', to: 'completed' },
      { field: 'assignee_id', from: null, to: 4 },
      { field: 'due_date', from: null, to: '2026-03-01T00:00:00.000Z' },
    ]);
  });

  it('should leave out id, user_id, created_at, updated_at and the derived completed_at', () => {
    const after: TaskResponseDto = {
      ...task,
      id: 10,
      user_id: 2,
      created_at: 'x',
      updated_at: 'y',
      completed_at: 'z',
    };
    expect(taskChanges(task, after)).toEqual([]);
  });

  it('should report labels as sorted names, and see no change in a reorder or a colour', () => {
    const before = labelled([
      [2, 'urgent'],
      [1, 'bug'],
    ]);
    const reordered = labelled([
      [1, 'bug'],
      [2, 'urgent'],
    ]);
    (reordered).labels[0].color = '#ffffff';
    expect(taskChanges(before, reordered)).toEqual([]);

    const after = labelled(
      [
        [3, '文档'],
        [1, 'bug'],
      ],
      { priority: 'high' },
    );
    expect(taskChanges(before, after)).toEqual([
      { field: 'priority', from: 'medium', to: 'high' },
      { field: 'labels', from: ['bug', 'urgent'], to: ['bug', '文档'] },
    ]);
    expect(taskChanges(labelled([]), labelled([[1, 'bug']]))).toEqual([
      { field: 'labels', from: [], to: ['bug'] },
    ]);
  });

  it('should work on task DTOs without labels', () => {
    expect(taskChanges(task, { ...task, description: 'now with text' })).toEqual([
      { field: 'description', from: '', to: 'now with text' },
    ]);
  });
});

describe(activityEntryOf.name, () => {
  it('should make one created entry, without changes, from a creation with its other events', () => {
    const after = { ...task, assignee_id: 4, status: 'completed' as const };
    const events = ['task.created', 'task.assigned', 'task.completed'].map((type) =>
      event(type, null, after),
    );
    expect(activityEntryOf(events)).toEqual({
      taskId: 9,
      projectId: 3,
      actorId: 5,
      type: 'created',
      changes: [],
      createdAt: at,
    });
  });

  it('should make one updated entry for an update that assigns and completes', () => {
    const after = { ...task, assignee_id: 4, status: 'completed' as const };
    const events = ['task.updated', 'task.assigned', 'task.completed'].map((type) =>
      event(type, task, after),
    );
    expect(activityEntryOf(events)).toEqual({
      taskId: 9,
      projectId: 3,
      actorId: 5,
      type: 'updated',
      changes: [
        { field: 'status', from: 'pending', to: 'completed' },
        { field: 'assignee_id', from: null, to: 4 },
      ],
      createdAt: at,
    });
  });

  it('should make a moved entry, filed under the new project, when project_id changed', () => {
    const after = { ...task, project_id: 8, title: 'Moved and renamed' };
    expect(activityEntryOf([event('task.updated', task, after)])).toMatchObject({
      projectId: 8,
      type: 'moved',
      changes: [
        { field: 'title', from: 'Write the docs', to: 'Moved and renamed' },
        { field: 'project_id', from: 3, to: 8 },
      ],
    });
  });

  it('should make a labels-only update an updated entry', () => {
    const before = labelled([[1, 'bug']]);
    const after = labelled([]);
    expect(activityEntryOf([event('task.updated', before, after)])).toMatchObject({
      type: 'updated',
      changes: [{ field: 'labels', from: ['bug'], to: [] }],
    });
  });

  it('should make no entry for an update that changed no reported field, a reminder or a deletion', () => {
    expect(activityEntryOf([event('task.updated', task, { ...task, updated_at: 'y' })])).toBeNull();
    expect(activityEntryOf([event('task.due_soon', task, task)])).toBeNull();
    expect(activityEntryOf([event('task.deleted', task, null)])).toBeNull();
    expect(activityEntryOf([])).toBeNull();
  });

  it('should make a commented entry naming the comment from a comment.created event', () => {
    const comment = {
      id: 77,
      task_id: 9,
      author: { id: 5, username: 'li' },
      body: 'Looks good @wang',
      mentions: [{ id: 6, username: 'wang' }],
      created_at: at.toISOString(),
      edited_at: null,
    };
    expect(activityEntryOf([event('comment.created', task, task, { comment })])).toEqual({
      taskId: 9,
      projectId: 3,
      actorId: 5,
      type: 'commented',
      changes: [{ field: 'comment', from: null, to: 77 }],
      createdAt: at,
    });
    // Without a task version on the event, the project comes from the caller.
    expect(activityEntryOf([event('comment.created', null, null, { comment })], 12)).toMatchObject({
      projectId: 12,
      type: 'commented',
    });
    expect(activityEntryOf([event('comment.created', null, null, { comment })])).toBeNull();
  });
});

describe(deletedTaskOf.name, () => {
  it('should name the task a write deleted, and nothing for other writes', () => {
    expect(deletedTaskOf([event('task.deleted', task, null)])).toBe(9);
    expect(deletedTaskOf([event('task.updated', task, { ...task, title: 'x' })])).toBeNull();
  });
});
