import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { formatEtag, ifMatchSatisfied } from '../common/http/etag';
import { PageInfo } from '../common/http/pagination';
import { IdempotencyService, IdempotentResult } from '../idempotency/idempotency.service';
import { CachedAccess, ProjectAccessService } from '../projects/project-access.service';
import { hasRole } from '../projects/project-role';
import { UsersService } from '../users/users.service';
import { CreateTaskDto } from './dto/create-task.dto';
import { ListTasksQuery } from './dto/list-tasks.query';
import { TaskStatsQuery, TaskStatsResponseDto } from './dto/task-stats.dto';
import { TaskResponseDto, toTaskResponse } from './dto/task-response.dto';
import { UpdateTaskDto } from './dto/update-task.dto';
import { TaskEvent, taskEventTypes } from './events/task-event';
import { TaskEventsService } from './events/task-events.service';
import { CachedTask, TASK_CACHE, TaskCache, toCachedTask } from './cache/task-cache';
import { TaskLabelsService } from './labels/task-labels.service';
import { TaskCountsService } from './read-models/task-counts.service';
import { TaskSearchService } from './read-models/task-search.service';
import { resolveLabelFilter } from './listing/label-filter';
import { loadViewer, parseListQuery, TaskListFilters, Viewer } from './listing/task-list-request';
import { CountCellsRaceError } from './read-models/counts.sql';
import {
  priorityCode,
  statusCode,
  TASK_PRIORITIES,
  TASK_STATUSES,
  TaskPriority,
  TASKS_PATH,
  TaskStatus,
} from './domain/task.constants';
import { Task } from './domain/task.entity';
import {
  ArchivedProjectError,
  AssigneeNotFoundError,
  EmptyTaskUpdateError,
  SameProjectMoveError,
  TaskForbiddenError,
  TaskNotFoundError,
  TaskPreconditionFailedError,
  TaskProjectNotFoundError,
} from './domain/task.errors';
import {
  assertMayDelete,
  assertMayUpdate,
  newTaskFields,
  permissionOf,
  planUpdate,
  sentFields,
  TaskFields,
  TaskPermission,
} from './domain/task.rules';
import { TasksRepository } from './persistence/tasks.repository';

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

/** The same set of labels (by id). */
function sameLabels(a: readonly { id: number }[], b: readonly { id: number }[]): boolean {
  const ids = new Set(a.map((label) => label.id));
  return a.length === b.length && b.every((label) => ids.has(label.id));
}

/** MySQL ER_NO_REFERENCED_ROW_2: the assignee was deleted between our check and the write. */
function isForeignKeyViolation(error: unknown): boolean {
  const e = error as { errno?: unknown; driverError?: { errno?: unknown } } | null;
  return e?.errno === 1452 || e?.driverError?.errno === 1452;
}

/**
 * A live task is seen by the members of its project and by its assignee; a deleted project's
 * tasks are deleted with it, even for their assignees. 404 otherwise.
 */
function assertSees(access: CachedAccess, assigneeId: number | null, userId: number): void {
  if (!access.live || (!access.role && assigneeId !== userId)) throw new TaskNotFoundError();
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
    private readonly projects: ProjectAccessService,
    private readonly labels: TaskLabelsService,
    @Inject(TASK_CACHE) private readonly cache: TaskCache,
  ) {}

  /**
   * Creates a task in `project_id` (default: the caller's inbox), which needs the editor role
   * there: 201 with Location and ETag. With an Idempotency-Key the answer of the first request
   * is stored in the task's own transaction and replayed to retries.
   */
  create(userId: number, dto: CreateTaskDto, idempotencyKey?: string): Promise<IdempotentResult> {
    const request = idempotencyKey
      ? { userId, key: idempotencyKey, operation: CREATE_OPERATION, payload: dto }
      : undefined;
    return this.idempotency.execute(request, async (complete) => {
      if (dto.assignee_id != null && !(await this.users.exists(dto.assignee_id))) {
        throw new AssigneeNotFoundError();
      }
      const projectId = dto.project_id ?? (await this.projects.inboxOf(userId));
      if (projectId === null) throw new TaskProjectNotFoundError();
      const now = new Date();
      const result = await this.writeTransaction(async (manager) => {
        await this.lockProjectForEditor(manager, projectId, userId);
        const labels = await this.labels.lockForTask(manager, projectId, dto.label_ids ?? []);
        const fields = newTaskFields(dto, projectId, now);
        const task = await this.tasks.insert(manager, userId, fields, now);
        await this.labels.replace(manager, task, [], labels);
        const after = toTaskResponse(task, labels);
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
      // At debug: the access line records the request at info, and the task's activity entry
      // and outbox event record the creation durably; this line made a request logger per POST.
      this.logger.debug({ userId, taskId: result.body.id }, 'Task created');
      return result;
    });
  }

  /**
   * Cache-aside. The cached value is shared by all users, so visibility (a member of the task's
   * project, or its assignee) is checked on it here, on a hit and after a fill alike, with the
   * project's members from the shared access cache; a tombstone (deleted task) is a 404.
   */
  async get(userId: number, id: number): Promise<TaskRead> {
    const { entry, cache } = await this.cachedEntry(id);
    return this.visibleRead(userId, entry, cache);
  }

  /**
   * 404 unless the caller sees the live task: the rule of `get`, from the same caches (task
   * entry, project access), without its labels. For the reads that hang on a task (comments,
   * activity, attachments): they need nothing more, and used to read the task row and its
   * labels from MySQL on every request (two of the five queries of a page of comments).
   */
  async assertVisible(userId: number, id: number): Promise<void> {
    const { entry } = await this.cachedEntry(id);
    const access = await this.projects.cachedAccess(entry.value.project_id, userId);
    assertSees(access, entry.value.assignee_id, userId);
  }

  /** The live task's cache entry, filled from MySQL on a miss; 404 when there is none. */
  private async cachedEntry(
    id: number,
  ): Promise<{ entry: { value: CachedTask; version: number }; cache: TaskRead['cache'] }> {
    const cached = await this.cache.read(id);
    if (cached.kind === 'deleted') throw new TaskNotFoundError();
    if (cached.kind === 'hit') return { entry: cached, cache: 'HIT' };
    // Cache bypassed (Redis unusable, no epoch): nothing will be stored; MySQL answers. Else
    // the loader is unscoped (one load serves every concurrent caller and fills the shared
    // entry); the caller checks visibility.
    const loaded =
      cached.epoch === undefined
        ? await this.loadEntry(id)
        : await this.cache.load(id, cached.epoch, () => this.loadEntry(id));
    if (!loaded) throw new TaskNotFoundError();
    return { entry: loaded, cache: 'MISS' };
  }

  /**
   * Partial update (PUT and PATCH alike); `project_id` moves the task. Order of answers: 400
   * empty body, 404 not visible, 403 not allowed for the caller's role, 409 archived project,
   * 412 stale If-Match, then the target project of a move (400 same project, 404, 403, 409),
   * 400 labels not of the (target) project, 400 unknown assignee. Labels: `label_ids` replaces
   * the set; a move without it drops the old project's labels.
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
      const current = await this.lockVisible(manager, userId, id, ifMatch, (permission) =>
        assertMayUpdate(permission, fields),
      );
      if (dto.project_id !== undefined) {
        if (dto.project_id === current.task.projectId) throw new SameProjectMoveError();
        await this.lockProjectForEditor(manager, dto.project_id, userId);
      }
      // The labels sent first, then the task's: the order of a label's deletion (label row,
      // then task_labels rows), so the two never wait on each other in a circle.
      const sent =
        dto.label_ids === undefined
          ? undefined
          : await this.labels.lockForTask(
              manager,
              dto.project_id ?? current.task.projectId,
              dto.label_ids,
            );
      const labelsBefore = await this.labels.current(manager, id);
      const labelsAfter = sent ?? (dto.project_id !== undefined ? [] : labelsBefore);
      const labelsChanged = !sameLabels(labelsBefore, labelsAfter);
      const now = new Date();
      const { next, changed } = planUpdate(current.task, dto, now);
      if (changed.length === 0 && !labelsChanged) {
        return {
          task: toTaskResponse(current.task, labelsBefore),
          etag: current.etag,
          written: null,
        };
      }
      const changes: Partial<TaskFields> = Object.fromEntries(changed.map((k) => [k, next[k]]));
      // The assignee's existence is left to the foreign key here rather than a second pooled
      // connection while this transaction holds the row lock; a violation is a 400 below.
      const written = await this.tasks.updateLive(manager, id, current.task.version, changes, now);
      if (!written) throw new TaskPreconditionFailedError();
      if (labelsChanged) await this.labels.replace(manager, current.task, labelsBefore, labelsAfter);
      const updated: Task = {
        ...current.task,
        ...changes,
        updatedAt: now,
        version: current.task.version + 1,
      };
      const before = toTaskResponse(current.task, labelsBefore);
      const after = toTaskResponse(updated, labelsAfter);
      await this.events.record(manager, this.eventsOf(before, after, userId, now));
      await this.search.apply(manager, before, after);
      await this.counts.apply(manager, before, after);
      return { task: after, etag: formatEtag(updated.id, updated.version), written: updated };
    });
    // After the commit and before the answer: every instance's next read sees this version,
    // including a changed assignee or project (access moves at once).
    if (result.written) {
      await this.cache.afterWrite(id, toCachedTask(result.task), result.written.version);
    }
    return { task: result.task, etag: result.etag };
  }

  /**
   * Soft delete by an editor of the task's project; 404 when not visible, 403 for a viewer or
   * the assignee, 409 in an archived project, 412 when stale.
   */
  async delete(userId: number, id: number, ifMatch: string | undefined): Promise<void> {
    await this.writeTransaction(async (manager) => {
      const current = await this.lockVisible(manager, userId, id, ifMatch, assertMayDelete);
      const now = new Date();
      const deleted = await this.tasks.softDelete(manager, id, current.task.version, now);
      if (!deleted) throw new TaskPreconditionFailedError();
      const before = toTaskResponse(current.task, await this.labels.current(manager, id));
      // task_labels holds live tasks only: the label filter counts on its index alone.
      if (before.labels.length > 0) await this.labels.removeTask(manager, id);
      await this.events.record(manager, this.eventsOf(before, null, userId, now));
      await this.search.apply(manager, before, null);
      await this.counts.apply(manager, before, null);
    });
    // A tombstone, after the commit and before the answer: no instance serves the task again.
    await this.cache.afterWrite(id, null, 0);
  }

  async list(userId: number, query: ListTasksQuery): Promise<TaskPage> {
    const parsed = parseListQuery(query);
    const viewer = await this.viewer(userId);
    const request = {
      ...parsed,
      filters: await resolveLabelFilter(this.labels, viewer, parsed.filters),
    };
    const now = new Date();
    // Under a label filter each part's count also chooses how its part of the page is read.
    const labelCounts = request.filters.labels?.length
      ? await this.tasks.labelPartCounts(viewer, request.filters, now)
      : undefined;
    const total = labelCounts
      ? labelCounts.reduce((a, b) => a + b, 0)
      : await this.tasks.count(viewer, request.filters, now);
    const offset = (request.page - 1) * request.pageSize;
    // Past the last page there is nothing to read; the count alone answers.
    const rows = offset < total ? await this.tasks.listPage(viewer, request, now, labelCounts) : [];
    return {
      items: await this.labels.rowsToResponses(rows),
      page: request.page,
      pageSize: request.pageSize,
      total,
    };
  }

  /** Counts over the visible tasks (of the `project_id` projects): counters, overdue by rows. */
  async stats(userId: number, query: TaskStatsQuery): Promise<TaskStatsResponseDto> {
    const viewer = await this.viewer(userId);
    const filters: TaskListFilters = { ...parseListQuery(query).filters, scope: 'all' };
    const now = new Date();
    const [cells, overdue] = await Promise.all([
      this.tasks.countByState(viewer, filters),
      this.tasks.count(viewer, { ...filters, overdue: true }, now),
    ]);
    /** Live tasks with that status and/or priority (both: any). */
    const n = (status?: TaskStatus, priority?: TaskPriority): number =>
      TASK_STATUSES.filter((st) => status === undefined || st === status)
        .flatMap((st) =>
          TASK_PRIORITIES.filter((pr) => priority === undefined || pr === priority).map(
            (pr) => cells.get(`${statusCode(st)}:${priorityCode(pr)}`) ?? 0,
          ),
        )
        .reduce((a, b) => a + b, 0);
    const total = n();
    return {
      total,
      by_status: {
        pending: n('pending'),
        in_progress: n('in_progress'),
        completed: n('completed'),
      },
      by_priority: {
        low: n(undefined, 'low'),
        medium: n(undefined, 'medium'),
        high: n(undefined, 'high'),
      },
      overdue,
      completion_rate: total === 0 ? 0 : n('completed') / total,
    };
  }

  /**
   * Those of `ids` that are no live task (deleted, with their project or alone, or never
   * there): for modules that clean up what hangs on deleted tasks (attachment bytes).
   */
  async deletedAmong(ids: readonly number[]): Promise<number[]> {
    const live = await this.tasks.liveIdsAmong(ids);
    return ids.filter((id) => !live.has(id));
  }

  /**
   * Up to `limit` ids of the live tasks of a project that `userId` sees only as a member (not
   * assigned to it), in the caller's transaction: what a member removed from the project loses
   * sight of (the real-time `task.hidden`).
   */
  idsSeenOnlyAsMember(
    manager: EntityManager,
    projectId: number,
    userId: number,
    limit: number,
  ): Promise<number[]> {
    return this.tasks.liveIdsInProjectNotAssignedTo(manager, projectId, userId, limit);
  }

  /**
   * Who sees which live task of a project only through it, read in the caller's transaction
   * before the project's deletion retires them (the real-time `task.hidden`): up to `limit`
   * tasks with their assignees (`overflow`: there are more, and `assignees` lists every
   * assignee of the project's live tasks instead).
   */
  async sightOfProject(
    manager: EntityManager,
    projectId: number,
    limit: number,
  ): Promise<
    | { overflow: false; tasks: Array<{ id: number; assigneeId: number | null }> }
    | { overflow: true; assignees: number[] }
  > {
    const tasks = await this.tasks.liveSightInProject(manager, projectId, limit + 1);
    if (tasks.length <= limit) return { overflow: false, tasks };
    return {
      overflow: true,
      assignees: await this.tasks.liveAssigneesInProject(manager, projectId),
    };
  }

  /**
   * The live tasks among `ids` as clients see them, read (not locked) in the caller's
   * transaction: for emails about them. No access check: the caller decided who is told.
   */
  async liveByIds(
    manager: EntityManager,
    ids: readonly number[],
  ): Promise<Map<number, TaskResponseDto>> {
    const tasks = await this.tasks.findLiveByIds(manager, [...new Set(ids)]);
    const responses = await this.labels.tasksToResponses(tasks, manager);
    return new Map(responses.map((task) => [task.id, task]));
  }

  /** The live task as clients see it, locked in the caller's transaction (reminders). */
  async lockLive(manager: EntityManager, id: number): Promise<TaskResponseDto | null> {
    const task = await this.tasks.lockLiveById(manager, id);
    return task && this.labels.responseOf(task, manager);
  }

  /** The caller and its live projects: what every listing query is built from. */
  private viewer(userId: number): Promise<Viewer> {
    return loadViewer(this.projects, userId);
  }

  /** The live task as the cache holds it (labels as ids), whoever asks. */
  private async loadEntry(id: number): Promise<{ value: CachedTask; version: number } | null> {
    const task = await this.tasks.findLiveById(id);
    if (!task) return null;
    const labelIds = (await this.labels.labelIdsOf([id])).get(id) ?? [];
    return {
      value: { ...toCachedTask(toTaskResponse(task, [])), label_ids: labelIds },
      version: task.version,
    };
  }

  /**
   * The caller's access to a cached (or just loaded) task, and its labels as they are now (from
   * the per-project label cache), read side by side.
   */
  private async visibleRead(
    userId: number,
    entry: { value: CachedTask; version: number },
    cache: TaskRead['cache'],
  ): Promise<TaskRead> {
    // An entry written before labels existed has no label_ids.
    const { label_ids: labelIds = [], ...fields } = entry.value;
    // Without labels (most tasks) there is nothing to resolve: only the access entry is read.
    const [access, labels] =
      labelIds.length === 0
        ? [await this.projects.cachedAccess(fields.project_id, userId), []]
        : await Promise.all([
            this.projects.cachedAccess(fields.project_id, userId),
            this.labels.resolveCached(fields.project_id, labelIds),
          ]);
    assertSees(access, fields.assignee_id, userId);
    return {
      task: { ...fields, labels },
      etag: formatEtag(fields.id, entry.version),
      cache,
    };
  }

  /**
   * Locks the live task, then its project (shared), checks that the caller sees it and may do
   * what `authorize` asks, that the project is not archived, and the If-Match precondition.
   */
  private async lockVisible(
    manager: EntityManager,
    userId: number,
    id: number,
    ifMatch: string | undefined,
    authorize: (permission: TaskPermission) => void,
  ): Promise<{ task: Task; etag: string }> {
    const task = await this.tasks.lockLiveById(manager, id);
    if (!task) throw new TaskNotFoundError();
    const project = await this.projects.lockForTaskWrite(manager, task.projectId, userId);
    const permission = project && permissionOf(project.role, task, userId);
    if (!project || !permission) throw new TaskNotFoundError();
    authorize(permission);
    if (project.archived) throw new ArchivedProjectError();
    const etag = formatEtag(task.id, task.version);
    if (!ifMatchSatisfied(ifMatch, etag)) throw new TaskPreconditionFailedError();
    return { task, etag };
  }

  /**
   * Locks (shared) a project a task is created in or moved to: 404 when the caller is not a
   * member (or it is deleted), 403 below editor, 409 when archived.
   */
  private async lockProjectForEditor(
    manager: EntityManager,
    projectId: number,
    userId: number,
  ): Promise<void> {
    const project = await this.projects.lockForTaskWrite(manager, projectId, userId);
    if (!project || !project.role) throw new TaskProjectNotFoundError();
    if (!hasRole(project.role, 'editor')) {
      throw new TaskForbiddenError('viewers of a project may not create or move tasks into it');
    }
    if (project.archived) throw new ArchivedProjectError();
  }

  /** A transaction whose foreign-key failure on assignee_id becomes a 400 naming the field. */
  private async writeTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      // A race on creating counter cells rolls back without a trace: run it again.
      return await this.tasks.inTransaction(work, (e) => e instanceof CountCellsRaceError);
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
