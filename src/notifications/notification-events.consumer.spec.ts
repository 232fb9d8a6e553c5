import type { EntityManager } from 'typeorm';
import type { ProjectAccessService } from '../projects/project-access.service';
import type { TaskEventComment } from '../tasks/events/task-event';
import type { DispatchedTaskEvent } from '../tasks/events/task-event-consumer';
import type { TaskResponseDto } from '../tasks/dto/task-response.dto';
import { NotificationEventsConsumer } from './notification-events.consumer';
import type { NewNotification } from './notifications.repository';
import type { NotificationsService } from './notifications.service';

const task: TaskResponseDto = {
  id: 5,
  title: 'Write the docs',
  description: '',
  status: 'pending',
  priority: 'medium',
  user_id: 1,
  project_id: 1,
  assignee_id: 2,
  labels: [],
  due_date: '2026-03-01T12:00:00.000Z',
  completed_at: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};

function event(overrides: Partial<DispatchedTaskEvent>): DispatchedTaskEvent {
  return {
    id: 90,
    type: 'task.updated',
    taskId: task.id,
    actorId: 1,
    occurredAt: new Date(),
    before: task,
    after: task,
    ...overrides,
  };
}

describe(NotificationEventsConsumer.name, () => {
  const manager = {} as EntityManager;
  let inserted: NewNotification[][];
  let consumer: NotificationEventsConsumer;
  let members: number[];
  let memberReads: number;

  beforeEach(() => {
    memberReads = 0;
    inserted = [];
    const service = {
      createForTasks: (_m: EntityManager, rows: readonly NewNotification[]) => {
        inserted.push([...rows]);
        return Promise.resolve([]);
      },
    } as unknown as NotificationsService;
    // Project 1's members: the creator (1) only; the assignee (2) sees the task as assignee.
    const projects = {
      cachedMemberIds: () => {
        memberReads += 1;
        return Promise.resolve(new Set(members));
      },
    } as unknown as ProjectAccessService;
    members = [1];
    consumer = new NotificationEventsConsumer(service, projects);
  });

  it('should notify the new assignee of an assignment, keyed on the event', async () => {
    await consumer.onTaskEvent(event({ type: 'task.assigned' }), manager);
    expect(inserted).toEqual([
      [
        {
          userId: 2,
          type: 'assigned',
          taskId: 5,
          eventId: 90,
          message: 'You were assigned the task "Write the docs"',
        },
      ],
    ]);
  });

  it('should not notify an assignee that assigned the task to itself', async () => {
    await consumer.onTaskEvent(event({ type: 'task.assigned', actorId: 2 }), manager);
    expect(inserted.flat()).toEqual([]);
  });

  it('should notify creator and assignee once each when a task is due soon', async () => {
    await consumer.onTaskEvent(event({ type: 'task.due_soon' }), manager);
    expect(inserted.flat().map((n) => [n.userId, n.type, n.eventId])).toEqual([
      [1, 'due_soon', 90],
      [2, 'due_soon', 90],
    ]);
    inserted = [];
    const ownTask = { ...task, assignee_id: 1 };
    await consumer.onTaskEvent(event({ type: 'task.due_soon', after: ownTask }), manager);
    expect(inserted.flat().map((n) => n.userId)).toEqual([1]);
  });

  it('should not tell a creator who left the project that its task is due', async () => {
    members = [];
    await consumer.onTaskEvent(event({ type: 'task.due_soon' }), manager);
    expect(inserted.flat().map((n) => n.userId)).toEqual([2]);
  });

  describe('comment.created', () => {
    /** A comment by `author` (user 3 by default, a member) mentioning `mentions`. */
    function commentEvent(mentions: number[], author = 3): DispatchedTaskEvent {
      const comment: TaskEventComment = {
        id: 31,
        task_id: task.id,
        author: { id: author, username: `user${author}` },
        body: 'text',
        mentions,
        created_at: '2026-01-02T00:00:00.000Z',
        edited_at: null,
      };
      return event({ type: 'comment.created', actorId: author, comment });
    }

    beforeEach(() => {
      // The creator (1) and users 3 and 4 are members; the assignee (2) is not.
      members = [1, 3, 4];
    });

    it('should tell the mentioned users and the creator and assignee, once each', async () => {
      await consumer.onTaskEvent(commentEvent([4]), manager);
      expect(inserted.flat()).toEqual([
        {
          userId: 4,
          type: 'mentioned',
          taskId: 5,
          eventId: 90,
          message: 'user3 mentioned you on "Write the docs"',
        },
        {
          userId: 1,
          type: 'commented',
          taskId: 5,
          eventId: 90,
          message: 'user3 commented on "Write the docs"',
        },
        {
          userId: 2,
          type: 'commented',
          taskId: 5,
          eventId: 90,
          message: 'user3 commented on "Write the docs"',
        },
      ]);
    });

    it('should tell a mentioned creator or assignee `mentioned` only', async () => {
      await consumer.onTaskEvent(commentEvent([2, 1]), manager);
      expect(inserted.flat().map((n) => [n.userId, n.type])).toEqual([
        [2, 'mentioned'],
        [1, 'mentioned'],
      ]);
    });

    it('should never tell the author, mentioned or creator', async () => {
      await consumer.onTaskEvent(commentEvent([1, 4], 1), manager);
      expect(inserted.flat().map((n) => [n.userId, n.type])).toEqual([
        [4, 'mentioned'],
        [2, 'commented'],
      ]);
    });

    it('should tell only once a creator who is also the assignee', async () => {
      const ownTask = { ...task, assignee_id: 1 };
      await consumer.onTaskEvent({ ...commentEvent([]), after: ownTask }, manager);
      expect(inserted.flat().map((n) => [n.userId, n.type])).toEqual([[1, 'commented']]);
    });

    it('should tell nobody who can no longer see the task', async () => {
      members = [3];
      await consumer.onTaskEvent(commentEvent([4]), manager);
      expect(inserted.flat().map((n) => [n.userId, n.type])).toEqual([[2, 'commented']]);
    });
  });

  it('should notify nobody of other events, without reading the members', async () => {
    for (const type of ['task.created', 'task.updated', 'task.completed'] as const) {
      await consumer.onTaskEvent(event({ type }), manager);
    }
    await consumer.onTaskEvent(event({ type: 'task.deleted', after: null }), manager);
    expect(inserted.flat()).toEqual([]);
    expect(memberReads).toBe(0);
  });
});
