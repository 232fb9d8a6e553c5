import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { formatEtag, ifMatchSatisfied } from '../common/http/etag';
import { PageInfo } from '../common/http/pagination';
import { IdempotencyService, IdempotentResult } from '../idempotency/idempotency.service';
import { UsersService } from '../users/users.service';
import { CreateTaskDto } from './dto/create-task.dto';
import { ListTasksQuery } from './dto/list-tasks.query';
import { TaskStatsResponseDto } from './dto/task-stats.dto';
import { TaskResponseDto, toTaskResponse } from './dto/task-response.dto';
import { UpdateTaskDto } from './dto/update-task.dto';
import { TaskEvent, taskEventTypes } from './events/task-event';
import { TaskEventsService } from './events/task-events.service';
import { TASK_CACHE, TaskCache } from './task-cache';
import { TaskCountsService } from './task-counts.service';
import { TaskSearchService } from './task-search.service';
import { parseListQuery } from './task-list.query';
import { TASKS_PATH } from './task.constants';
import { Task } from './task.entity';
import {
  AssigneeNotFoundError,
  EmptyTaskUpdateError,
  TaskNotFoundError,
  TaskPreconditionFailedError,
} from './task.errors';
import {
  assertMayDelete,
  assertMayUpdate,
  newTaskFields,
  planUpdate,
  roleOf,
  sentFields,
  TaskFields,
} from './task.rules';
import { TasksRepository } from './tasks.repository';

export interface TaskWithEtag {
  task: TaskResponseDto;
  etag: string;
}

/** A single-task read, and whether the cache answered it (`MISS` also when it was bypassed). */
export interface TaskRead extends TaskWithEtag {
  cache: 'HIT' | 'MISS';
}

export interface TaskPage extends PageInfo {
  items: TaskResponseDto[];
}

/** The idempotency operation name of task creation (a key reused elsewhere is a mismatch). */
const CREATE_OPERATION = 'POST /tasks';

/** MySQL ER_NO_REFERENCED_ROW_2: the assignee was deleted between our check and the write. */
function isForeignKeyViolation(error: unknown): boolean {
  const e = error as { errno?: unknown; driverError?: { errno?: unknown } } | null;
  return e?.errno === 1452 || e?.driverError?.errno === 1452;
}

@Injectable()
export class TasksService {
  private readonly logger = new Logger(TasksService.name);

  constructor(
    private readonly tasks: TasksRepository,
    private readonly users: UsersService,
    private readonly events: TaskEventsService,
    private readonly counts: TaskCountsService,
    private readonly search: TaskSearchService,
    private readonly idempotency: IdempotencyService,
    @Inject(TASK_CACHE) private readonly cache: TaskCache,
  ) {}

  /**
   * Creates a task owned by the caller: 201 with Location and ETag. With an Idempotency-Key the
   * answer of the first request is stored in the task's own transaction and replayed to retries.
   */
  create(userId: number, dto: CreateTaskDto, idempotencyKey?: string): Promise<IdempotentResult> {
    const request = idempotencyKey
      ? { userId, key: idempotencyKey, operation: CREATE_OPERATION, payload: dto }
      : undefined;
    return this.idempotency.execute(request, async (complete) => {
      if (dto.assignee_id != null && !(await this.users.exists(dto.assignee_id))) {
        throw new AssigneeNotFoundError();
      }
      const now = new Date();
      const result = await this.writeTransaction(async (manager) => {
        const task = await this.tasks.insert(manager, userId, newTaskFields(dto, now), now);
        const after = toTaskResponse(task);
        await this.events.record(manager, this.eventsOf(null, after, userId, now));
        await this.search.apply(manager, null, after);
        await this.counts.apply(manager, null, after);
        const response = {
          status: 201,
          body: after,
          headers: {
            Location: `${TASKS_PATH}/${task.id}`,
            ETag: formatEtag(task.id, task.version),
          },
        };
        // The stored answer commits with the task: a retry either replays it or creates anew.
        await complete(manager, response);
        return response;
      });
      // No cache update: a new id has no entry (a "not found" is never cached), and the first
      // read fills it, so only tasks that are read take cache space.
      this.logger.log({ userId, taskId: result.body.id }, 'Task created');
      return result;
    });
  }

  /**
   * Cache-aside. The cached value is shared by all users, so visibility (owner or assignee) is
   * checked on it here, on a hit and after a fill alike; a tombstone (deleted task) is a 404.
   */
  async get(userId: number, id: number): Promise<TaskRead> {
    const cached = await this.cache.read(id);
    if (cached.kind === 'deleted') throw new TaskNotFoundError();
    if (cached.kind === 'hit') return this.visibleRead(userId, cached, 'HIT');
    if (cached.epoch === undefined) {
      // Cache bypassed (Redis unusable): nothing will be stored, so the scoped query answers.
      const task = await this.tasks.findVisibleById(userId, id);
      if (!task) throw new TaskNotFoundError();
      return { task: toTaskResponse(task), etag: formatEtag(task.id, task.version), cache: 'MISS' };
    }
    // The loader is unscoped (one load serves every concurrent caller and fills the shared
    // entry); visibleRead applies the same check findVisibleById makes in SQL.
    const loaded = await this.cache.load(id, cached.epoch, async () => {
      const task = await this.tasks.findLiveByIdForCache(id);
      return task && { value: toTaskResponse(task), version: task.version };
    });
    if (!loaded) throw new TaskNotFoundError();
    return this.visibleRead(userId, loaded, 'MISS');
  }

  /**
   * Partial update (PUT and PATCH alike). Order of answers: 400 empty body, 404 not visible,
   * 403 not allowed for the caller's role, 412 stale If-Match, 400 unknown assignee.
   */
  async update(
    userId: number,
    id: number,
    dto: UpdateTaskDto,
    ifMatch: string | undefined,
  ): Promise<TaskWithEtag> {
    const fields = sentFields(dto);
    if (fields.length === 0) throw new EmptyTaskUpdateError();
    const result = await this.writeTransaction(async (manager) => {
      const current = await this.lockVisible(manager, userId, id, ifMatch, (role) =>
        assertMayUpdate(role, fields),
      );
      const now = new Date();
      const { next, changed } = planUpdate(current.task, dto, now);
      if (changed.length === 0) {
        return { task: toTaskResponse(current.task), etag: current.etag, written: null };
      }
      const changes: Partial<TaskFields> = Object.fromEntries(changed.map((k) => [k, next[k]]));
      // The assignee's existence is left to the foreign key here rather than a second pooled
      // connection while this transaction holds the row lock; a violation is a 400 below.
      const written = await this.tasks.updateVisible(
        manager,
        userId,
        current.role,
        id,
        current.task.version,
        changes,
        now,
      );
      if (!written) throw new TaskPreconditionFailedError();
      const updated: Task = {
        ...current.task,
        ...changes,
        updatedAt: now,
        version: current.task.version + 1,
      };
      const before = toTaskResponse(current.task);
      const after = toTaskResponse(updated);
      await this.events.record(manager, this.eventsOf(before, after, userId, now));
      await this.search.apply(manager, before, after);
      await this.counts.apply(manager, before, after);
      return { task: after, etag: formatEtag(updated.id, updated.version), written: updated };
    });
    // After the commit and before the answer: every instance's next read sees this version,
    // including a changed assignee (access moves at once).
    if (result.written) {
      await this.cache.afterWrite(id, result.task, result.written.version);
    }
    return { task: result.task, etag: result.etag };
  }

  /** Soft delete by the owner; 404 when not visible, 403 for the assignee, 412 when stale. */
  async delete(userId: number, id: number, ifMatch: string | undefined): Promise<void> {
    await this.writeTransaction(async (manager) => {
      const current = await this.lockVisible(manager, userId, id, ifMatch, assertMayDelete);
      const now = new Date();
      const deleted = await this.tasks.softDeleteOwned(
        manager,
        userId,
        id,
        current.task.version,
        now,
      );
      if (!deleted) throw new TaskPreconditionFailedError();
      const before = toTaskResponse(current.task);
      await this.events.record(manager, this.eventsOf(before, null, userId, now));
      await this.search.apply(manager, before, null);
      await this.counts.apply(manager, before, null);
    });
    // A tombstone, after the commit and before the answer: no instance serves the task again.
    await this.cache.afterWrite(id, null, 0);
  }

  async list(userId: number, query: ListTasksQuery): Promise<TaskPage> {
    const request = parseListQuery(query);
    const now = new Date();
    const total = await this.tasks.count(userId, request.filters, now);
    const offset = (request.page - 1) * request.pageSize;
    // Past the last page there is nothing to read; the count alone answers.
    const tasks = offset < total ? await this.tasks.listPage(userId, request, now) : [];
    return {
      items: tasks,
      page: request.page,
      pageSize: request.pageSize,
      total,
    };
  }

  async stats(userId: number): Promise<TaskStatsResponseDto> {
    const c = await this.tasks.countByState(userId, new Date());
    return {
      total: c.total,
      by_status: { pending: c.pending, in_progress: c.in_progress, completed: c.completed },
      by_priority: { low: c.low, medium: c.medium, high: c.high },
      overdue: c.overdue,
      completion_rate: c.total === 0 ? 0 : c.completed / c.total,
    };
  }

  private visibleRead(
    userId: number,
    entry: { value: TaskResponseDto; version: number },
    cache: TaskRead['cache'],
  ): TaskRead {
    const role = roleOf(
      { userId: entry.value.user_id, assigneeId: entry.value.assignee_id },
      userId,
    );
    if (!role) throw new TaskNotFoundError();
    return { task: entry.value, etag: formatEtag(entry.value.id, entry.version), cache };
  }

  /** Locks the visible task, then checks the caller's role and the If-Match precondition. */
  private async lockVisible(
    manager: EntityManager,
    userId: number,
    id: number,
    ifMatch: string | undefined,
    authorize: (role: 'owner' | 'assignee') => void,
  ): Promise<{ task: Task; role: 'owner' | 'assignee'; etag: string }> {
    const task = await this.tasks.lockVisibleById(manager, userId, id);
    const role = task ? roleOf(task, userId) : null;
    if (!task || !role) throw new TaskNotFoundError();
    authorize(role);
    const etag = formatEtag(task.id, task.version);
    if (!ifMatchSatisfied(ifMatch, etag)) throw new TaskPreconditionFailedError();
    return { task, role, etag };
  }

  /** A transaction whose foreign-key failure on assignee_id becomes a 400 naming the field. */
  private async writeTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.tasks.inTransaction(work);
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new AssigneeNotFoundError();
      throw error;
    }
  }

  private eventsOf(
    before: TaskResponseDto | null,
    after: TaskResponseDto | null,
    actorId: number,
    occurredAt: Date,
  ): TaskEvent[] {
    const taskId = (after ?? before)?.id ?? 0;
    return taskEventTypes(before, after).map((type) => ({
      type,
      taskId,
      actorId,
      occurredAt,
      before,
      after,
    }));
  }
}
