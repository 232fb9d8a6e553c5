import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { NotificationsService } from '../notifications/notifications.service';
import type { ProjectAccessService, ProjectForWrite } from '../projects/project-access.service';
import type { ProjectRole } from '../projects/project-role';
import type { TaskResponseDto } from '../tasks/dto/task-response.dto';
import type { TaskEventsService } from '../tasks/events/task-events.service';
import type { TaskEvent } from '../tasks/events/task-event';
import type { TasksService } from '../tasks/tasks.service';
import type { UsersService } from '../users/users.service';
import type { TaskComment } from './comment.entity';
import { CommentForbiddenError, CommentNotFoundError } from './comment.errors';
import type { CommentsRepository, NewComment } from './comments.repository';
import { CommentsService } from './comments.service';

const task: TaskResponseDto = {
  id: 5,
  title: 'Fix login',
  description: '',
  status: 'pending',
  priority: 'medium',
  user_id: 1,
  project_id: 9,
  assignee_id: 4,
  due_date: null,
  completed_at: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  labels: [],
};

/** Users 1 (owner), 2 (viewer), 3 (admin) are members; 4 is the assignee; 6 a stranger. */
const USERS = [
  { id: 1, username: 'olga' },
  { id: 2, username: 'vera' },
  { id: 3, username: 'adam' },
  { id: 4, username: 'asha' },
  { id: 6, username: 'stan' },
];
const ROLES: Record<number, ProjectRole> = { 1: 'owner', 2: 'viewer', 3: 'admin' };

describe(CommentsService.name, () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  const manager = {} as EntityManager;
  let stored: TaskComment | null;
  let updates: Array<Partial<TaskComment>>;
  let inserted: NewComment[];
  let recorded: TaskEvent[];
  let told: number[][];
  let deleted: number[];
  let archived: boolean;
  let service: CommentsService;

  beforeEach(() => {
    stored = null;
    updates = [];
    inserted = [];
    recorded = [];
    told = [];
    deleted = [];
    archived = false;
    const comments = {
      inTransaction: <T>(work: (m: EntityManager) => Promise<T>) => work(manager),
      insert: (_m: EntityManager, row: NewComment) => {
        inserted.push(row);
        return Promise.resolve({ ...row, id: 31 });
      },
      lockOfTask: (_m: EntityManager, taskId: number, id: number) =>
        Promise.resolve(stored && stored.taskId === taskId && stored.id === id ? stored : null),
      update: (_m: EntityManager, _id: number, changes: Partial<TaskComment>) => {
        updates.push(changes);
        return Promise.resolve();
      },
      deleteById: (_m: EntityManager, id: number) => {
        deleted.push(id);
        return Promise.resolve();
      },
    } as unknown as CommentsRepository;
    const tasks = {
      lockLive: (_m: EntityManager, id: number) => Promise.resolve(id === task.id ? task : null),
    } as unknown as TasksService;
    const projects = {
      lockForTaskWrite: (_m: EntityManager, _projectId: number, userId: number) =>
        Promise.resolve<ProjectForWrite>({
          projectId: task.project_id,
          archived,
          inboxOf: null,
          role: ROLES[userId] ?? null,
        }),
      memberIds: () => Promise.resolve([1, 2, 3]),
    } as unknown as ProjectAccessService;
    const users = {
      usernamesByIds: (ids: number[]) =>
        Promise.resolve(
          new Map(USERS.filter((u) => ids.includes(u.id)).map((u) => [u.id, u.username])),
        ),
      findByUsernames: (names: string[]) =>
        Promise.resolve(USERS.filter((u) => names.includes(u.username.toLowerCase()))),
    } as unknown as UsersService;
    const events = {
      record: (_m: EntityManager, list: TaskEvent[]) => {
        recorded.push(...list);
        return Promise.resolve();
      },
    } as unknown as TaskEventsService;
    const notifications = {
      notifyMentioned: (_m: EntityManager, mention: { userIds: number[] }) => {
        told.push([...mention.userIds]);
        return Promise.resolve();
      },
    } as unknown as NotificationsService;
    service = new CommentsService(comments, tasks, projects, users, events, notifications);
  });

  /** A comment by `authorId` as stored, having mentioned `ever` so far. */
  function storedComment(authorId: number, mentions: number[], ever = mentions): TaskComment {
    return {
      id: 31,
      taskId: task.id,
      authorId,
      body: 'old',
      mentions,
      mentionedEver: ever,
      createdAt: new Date('2026-01-02T00:00:00.000Z'),
      editedAt: null,
    };
  }

  it('should record comment.created with the task and the comment it answers', async () => {
    const created = await service.create(2, task.id, { body: '@ADAM @stan @asha look' });
    expect(created).toMatchObject({
      id: 31,
      task_id: task.id,
      author: { id: 2, username: 'vera' },
      mentions: [3, 4],
      edited_at: null,
    });
    expect(inserted).toEqual([
      expect.objectContaining({ mentions: [3, 4], mentionedEver: [3, 4] }),
    ]);
    expect(recorded).toEqual([
      {
        type: 'comment.created',
        taskId: task.id,
        actorId: 2,
        occurredAt: expect.any(Date),
        before: task,
        after: task,
        comment: created,
      },
    ]);
    // A new comment's notifications go through the event, not the edit path.
    expect(told).toEqual([]);
  });

  it('should write nothing in an archived project or for a stranger', async () => {
    archived = true;
    await expect(service.create(2, task.id, { body: 'x' })).rejects.toMatchObject({ status: 409 });
    archived = false;
    await expect(service.create(6, task.id, { body: 'x' })).rejects.toMatchObject({ status: 404 });
    expect(inserted).toEqual([]);
    expect(recorded).toEqual([]);
  });

  it('should tell on edit only the users mentioned for the first time, never the author', async () => {
    stored = storedComment(2, [], [3]);
    const edited = await service.update(2, task.id, 31, { body: '@adam @olga @vera @stan' });
    expect(edited.mentions).toEqual([3, 1, 2]);
    expect(edited.edited_at).toEqual(expect.any(String));
    expect(told).toEqual([[1]]);
    expect(updates).toEqual([
      expect.objectContaining({ mentions: [3, 1, 2], mentionedEver: [3, 1, 2] }),
    ]);
    expect(recorded).toEqual([]);
  });

  it('should let only the author edit, before telling about the archive', async () => {
    stored = storedComment(2, []);
    archived = true;
    await expect(service.update(3, task.id, 31, { body: 'x' })).rejects.toBeInstanceOf(
      CommentForbiddenError,
    );
    await expect(service.update(2, task.id, 32, { body: 'x' })).rejects.toBeInstanceOf(
      CommentNotFoundError,
    );
    expect(updates).toEqual([]);
    expect(told).toEqual([]);
  });

  it('should let the author or an admin delete, and nobody below', async () => {
    stored = storedComment(2, []);
    await expect(service.remove(4, task.id, 31)).rejects.toBeInstanceOf(CommentForbiddenError);
    expect(deleted).toEqual([]);
    await service.remove(3, task.id, 31);
    await service.remove(2, task.id, 31);
    expect(deleted).toEqual([31, 31]);
  });
});
