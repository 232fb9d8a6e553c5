import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { retriedTransaction } from '../../common/database/retried-transaction';
import { ReadReplicas } from '../../read-replicas/read-replicas.service';
import type { TaskSqlRow } from '../dto/task-response.dto';
import type { TaskListFilters, TaskListRequest, Viewer } from '../listing/task-list-request';
import { buildCounterCountQuery, buildCounterStatsQuery } from '../read-models/counts-read.sql';
import {
  buildPageRowsQuery,
  buildSourcesCountQuery,
  listingSources,
  searchCountPlan,
} from '../listing/listing.sql';
import { TaskSearchCounts } from '../read-models/task-search-counts';
import { buildPartCountsQuery, labelCountSources } from '../listing/labels.sql';
import { Task } from '../domain/task.entity';
import { buildTaskInsert } from './tasks.sql';
import type { TaskFields } from '../domain/task.rules';

/** Live tasks by status and priority code (`"<status>:<priority>"` → n). */
export type StateCounts = Map<string, number>;

/** Runs of a task write transaction before a deadlock (or a `retryable` error) is final. */
const MAX_TRANSACTION_RUNS = 8;

/**
 * The tasks table. Reads that return lists or counts take the Viewer (the caller and its
 * projects) and select only what it may see, in SQL. Single-task reads and locks are by id
 * (live rows only): TasksService decides access on the row it gets, with the caller's role in
 * the task's project (ProjectAccessService), before anything leaves the service.
 */
@Injectable()
export class TasksRepository {
  constructor(
    @InjectRepository(Task) private readonly tasks: Repository<Task>,
    private readonly reads: ReadReplicas,
    private readonly searchCounts: TaskSearchCounts,
  ) {}

  /**
   * Runs `work` in one transaction (the task row, its events and read models commit together),
   * again after a deadlock: lock orders differ between a task write (task row, then its
   * project's) and a project's deletion (project row, then its tasks), and InnoDB resolves the
   * rare crossing by rolling one back. `retryable` names other errors worth one more run.
   * Concurrent first writes of a project's new task_counts cells deadlock too (their UPDATE
   * gap-locks the missing keys, then each INSERT waits for the others' gaps): with 16 such
   * creates at once, three runs without a pause left some of them failing, so the runs are
   * more, each after a short random pause that lets the winner of the round commit.
   */
  inTransaction<T>(
    work: (manager: EntityManager) => Promise<T>,
    retryable?: (error: unknown) => boolean,
  ): Promise<T> {
    return retriedTransaction(this.tasks.manager, work, {
      runs: MAX_TRANSACTION_RUNS,
      retryable,
      pauseMsPerRun: 10,
    });
  }

  /** Inserts a task created by `creatorId`: the new row as TypeORM would have read it. */
  async insert(
    manager: EntityManager,
    creatorId: number,
    fields: TaskFields,
    now: Date,
  ): Promise<Task> {
    const insert = buildTaskInsert(creatorId, fields, now);
    const result = await manager.query<{ insertId: number }>(insert.sql, insert.params);
    return Object.assign(new Task(), {
      ...fields,
      id: Number(result.insertId),
      userId: creatorId,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
      version: 1,
    });
  }

  /** The live task, whoever asks: the caller's access is checked by TasksService. */
  findLiveById(id: number): Promise<Task | null> {
    return this.tasks
      .createQueryBuilder('t')
      .where('t.id = :id', { id })
      .andWhere('t.deleted_at IS NULL')
      .getOne();
  }

  /**
   * The live task, locked (`SELECT … FOR UPDATE`) until the transaction ends: concurrent
   * writers of one task queue up, and each sees the version the previous one wrote.
   */
  lockLiveById(manager: EntityManager, id: number): Promise<Task | null> {
    return manager
      .createQueryBuilder(Task, 't')
      .where('t.id = :id', { id })
      .andWhere('t.deleted_at IS NULL')
      .setLock('pessimistic_write')
      .getOne();
  }

  /** The live tasks among `ids`, read in the caller's transaction (no lock). */
  findLiveByIds(manager: EntityManager, ids: readonly number[]): Promise<Task[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return manager
      .createQueryBuilder(Task, 't')
      .where('t.id IN (:...ids)', { ids })
      .andWhere('t.deleted_at IS NULL')
      .getMany();
  }

  /** Those of `ids` that are live tasks. */
  async liveIdsAmong(ids: readonly number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await this.tasks
      .createQueryBuilder('t')
      .select('t.id', 'id')
      .where('t.id IN (:...ids)', { ids })
      .andWhere('t.deleted_at IS NULL')
      .getRawMany<{ id: number }>();
    return new Set(rows.map((row) => Number(row.id)));
  }

  /**
   * Up to `limit` of the project's live tasks (id and assignee), oldest first, in the caller's
   * transaction: what a project's deletion takes out of its members' and assignees' sight.
   */
  async liveSightInProject(
    manager: EntityManager,
    projectId: number,
    limit: number,
  ): Promise<Array<{ id: number; assigneeId: number | null }>> {
    const rows = await manager
      .createQueryBuilder(Task, 't')
      .select('t.id', 'id')
      .addSelect('t.assignee_id', 'assigneeId')
      .where('t.project_id = :projectId', { projectId })
      .andWhere('t.deleted_at IS NULL')
      .orderBy('t.id')
      .limit(limit)
      .getRawMany<{ id: number; assigneeId: number | null }>();
    return rows.map((row) => ({
      id: Number(row.id),
      assigneeId: row.assigneeId === null ? null : Number(row.assigneeId),
    }));
  }

  /** The distinct assignees of the project's live tasks, in the caller's transaction. */
  async liveAssigneesInProject(manager: EntityManager, projectId: number): Promise<number[]> {
    const rows = await manager
      .createQueryBuilder(Task, 't')
      .select('DISTINCT t.assignee_id', 'assigneeId')
      .where('t.project_id = :projectId', { projectId })
      .andWhere('t.deleted_at IS NULL')
      .andWhere('t.assignee_id IS NOT NULL')
      .getRawMany<{ assigneeId: number }>();
    return rows.map((row) => Number(row.assigneeId));
  }

  /**
   * Up to `limit` ids of the project's live tasks not assigned to `userId`, in the caller's
   * transaction: the tasks a member removed from the project stops seeing.
   */
  async liveIdsInProjectNotAssignedTo(
    manager: EntityManager,
    projectId: number,
    userId: number,
    limit: number,
  ): Promise<number[]> {
    const rows = await manager
      .createQueryBuilder(Task, 't')
      .select('t.id', 'id')
      .where('t.project_id = :projectId', { projectId })
      .andWhere('t.deleted_at IS NULL')
      .andWhere('(t.assignee_id IS NULL OR t.assignee_id <> :userId)', { userId })
      .orderBy('t.id')
      .limit(limit)
      .getRawMany<{ id: number }>();
    return rows.map((row) => Number(row.id));
  }

  /**
   * Unscoped, for the cache warm-up only: the `limit` most recently updated live tasks among
   * the newest `window` rows (the primary key bounds the scan). TasksService checks each
   * caller's access on every answer from the cache.
   */
  findRecentlyUpdatedForCache(limit: number, window: number): Promise<Task[]> {
    return this.tasks
      .createQueryBuilder('t')
      .innerJoin(
        (recent) =>
          recent.select('r.id', 'id').from(Task, 'r').orderBy('r.id', 'DESC').limit(window),
        'recent',
        'recent.id = t.id',
      )
      .where('t.deleted_at IS NULL')
      .orderBy('t.updated_at', 'DESC')
      .limit(limit)
      .getMany();
  }

  /**
   * Writes `changes` if the task is still at `expectedVersion` and live; bumps the version.
   * False when no row matched (nothing was written). The caller holds the row lock.
   */
  async updateLive(
    manager: EntityManager,
    id: number,
    expectedVersion: number,
    changes: Partial<TaskFields>,
    now: Date,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(Task)
      .set({ ...changes, updatedAt: now, version: () => 'version + 1' })
      .where('id = :id AND version = :expectedVersion AND deleted_at IS NULL', {
        id,
        expectedVersion,
      })
      .execute();
    return result.affected === 1;
  }

  /** Soft-deletes the task if it is still live at `expectedVersion`. */
  async softDelete(
    manager: EntityManager,
    id: number,
    expectedVersion: number,
    now: Date,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(Task)
      .set({ deletedAt: now, updatedAt: now, version: () => 'version + 1' })
      .where('id = :id AND version = :expectedVersion AND deleted_at IS NULL', {
        id,
        expectedVersion,
      })
      .execute();
    return result.affected === 1;
  }

  /** Soft-deletes every live task of a project (its deletion); returns how many. */
  async softDeleteProjectTasks(
    manager: EntityManager,
    projectId: number,
    now: Date,
  ): Promise<number> {
    const result = await manager
      .createQueryBuilder()
      .update(Task)
      .set({ deletedAt: now, updatedAt: now, version: () => 'version + 1' })
      .where('project_id = :projectId AND deleted_at IS NULL', { projectId })
      .execute();
    return result.affected ?? 0;
  }

  /**
   * The number of visible tasks matching the filters: from the task_counts counters when the
   * filters allow (a cost independent of the number of tasks), a search over whole projects
   * from their task_search buckets' counts (TaskSearchCounts), otherwise by counting the
   * matching rows.
   */
  async count(viewer: Viewer, filters: TaskListFilters, now: Date): Promise<number> {
    if (filters.labels?.length) {
      const counts = await this.labelPartCounts(viewer, filters, now);
      return counts.reduce((a, b) => a + b, 0);
    }
    const search = searchCountPlan(viewer, filters, now);
    if (search) return this.searchCounts.count(viewer.userId, search);
    const query =
      buildCounterCountQuery(viewer, filters) ??
      buildSourcesCountQuery(listingSources(viewer, filters, now));
    if (!query) return 0;
    const rows = await this.reads.query<Array<{ total: unknown }>>(
      viewer.userId,
      query.sql,
      query.params,
    );
    return Number(rows[0]?.total ?? 0);
  }

  /**
   * Under a `label` filter, the matches of each part that can match (labelParts' order): their
   * sum is the total, and each decides how its part of a page is read.
   */
  async labelPartCounts(viewer: Viewer, filters: TaskListFilters, now: Date): Promise<number[]> {
    const query = buildPartCountsQuery(labelCountSources(viewer, filters, now));
    if (!query) return [];
    const rows = await this.reads.query<Array<Record<string, unknown>>>(
      viewer.userId,
      query.sql,
      query.params,
    );
    return Object.keys(rows[0] ?? {}).map((_, i) => Number(rows[0][`c${i}`]));
  }

  /**
   * One page of the visible tasks matching the filters, in the requested order (with a `label`
   * filter, `labelCounts` from labelPartCounts).
   */
  async listPage(
    viewer: Viewer,
    request: TaskListRequest,
    now: Date,
    labelCounts?: readonly number[],
  ): Promise<TaskSqlRow[]> {
    const query = buildPageRowsQuery(viewer, request, now, labelCounts);
    if (!query) return [];
    return this.reads.query<TaskSqlRow[]>(viewer.userId, query.sql, query.params);
  }

  /** The visible tasks of the filters' projects by status and priority, from the counters. */
  async countByState(viewer: Viewer, filters: TaskListFilters): Promise<StateCounts> {
    const query = buildCounterStatsQuery(viewer, filters);
    const counts: StateCounts = new Map();
    if (!query) return counts;
    const rows = await this.reads.query<Array<{ status: unknown; priority: unknown; n: unknown }>>(
      viewer.userId,
      query.sql,
      query.params,
    );
    for (const row of rows)
      counts.set(`${Number(row.status)}:${Number(row.priority)}`, Number(row.n));
    return counts;
  }
}
