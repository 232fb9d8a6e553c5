import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { TaskResponseDto, taskRowToResponse, TaskSqlRow } from './dto/task-response.dto';
import { Task } from './task.entity';
import {
  buildPageRowsQuery,
  buildStatsQuery,
  buildTotalQuery,
  TaskListFilters,
  TaskListRequest,
} from './task-list.query';
import type { TaskFields, TaskRole } from './task.rules';

export interface TaskCounts {
  total: number;
  pending: number;
  in_progress: number;
  completed: number;
  low: number;
  medium: number;
  high: number;
  overdue: number;
}

/** SQL rows hold counts as strings (COUNT/SUM are BIGINT/DECIMAL in mysql2). */
type CountRow = Record<keyof TaskCounts, string | number>;

/**
 * Every query on tasks is scoped by the acting user: a row the caller may not see is never read,
 * counted or written, so a forgotten check cannot leak one. Visibility: owner or assignee, and
 * not soft-deleted. The two exceptions (`findLiveByIdForCache`, `findRecentlyUpdatedForCache`)
 * feed the task cache only, which is shared by every user and checks each answer against the
 * caller before it leaves TasksService.
 */
@Injectable()
export class TasksRepository {
  constructor(@InjectRepository(Task) private readonly tasks: Repository<Task>) {}

  /** Runs `work` in one transaction; the task row and its event rows commit together. */
  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.tasks.manager.transaction(work);
  }

  /** Inserts a task owned by `ownerId`. */
  async insert(
    manager: EntityManager,
    ownerId: number,
    fields: TaskFields,
    now: Date,
  ): Promise<Task> {
    const task = manager.create(Task, {
      ...fields,
      userId: ownerId,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
      version: 1,
    });
    const result = await manager.insert(Task, task);
    task.id = Number(result.identifiers[0].id);
    return task;
  }

  private visible(manager: EntityManager, userId: number, id: number) {
    return manager
      .createQueryBuilder(Task, 't')
      .where('t.id = :id', { id })
      .andWhere('t.deleted_at IS NULL')
      .andWhere('(t.user_id = :userId OR t.assignee_id = :userId)', { userId });
  }

  findVisibleById(userId: number, id: number): Promise<Task | null> {
    return this.visible(this.tasks.manager, userId, id).getOne();
  }

  /**
   * Unscoped, for the cache only: the live task whatever the caller, because the cached value
   * serves every user. TasksService checks `roleOf(value, caller)` on every answer from the
   * cache (hit or fill) before returning it, exactly as `findVisibleById` would.
   */
  findLiveByIdForCache(id: number): Promise<Task | null> {
    return this.tasks
      .createQueryBuilder('t')
      .where('t.id = :id', { id })
      .andWhere('t.deleted_at IS NULL')
      .getOne();
  }

  /**
   * Unscoped, for the cache warm-up only (see `findLiveByIdForCache`): the `limit` most recently
   * updated live tasks among the newest `window` rows. There is no index on `updated_at` alone,
   * so the primary key bounds the scan to `window` rows whatever the table's size.
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
   * The visible task, locked (`SELECT … FOR UPDATE`) until the transaction ends: concurrent
   * writers of one task queue up, and each sees the version the previous one wrote.
   */
  lockVisibleById(manager: EntityManager, userId: number, id: number): Promise<Task | null> {
    return this.visible(manager, userId, id).setLock('pessimistic_write').getOne();
  }

  /**
   * Writes `changes` if the task is still at `expectedVersion`, still live and the caller still
   * holds `role` on it; bumps the version. False when no row matched (nothing was written).
   */
  async updateVisible(
    manager: EntityManager,
    userId: number,
    role: TaskRole,
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
      .andWhere(role === 'owner' ? 'user_id = :userId' : 'assignee_id = :userId', { userId })
      .execute();
    return result.affected === 1;
  }

  /** Soft-deletes the task if the caller owns it and it is still at `expectedVersion`. */
  async softDeleteOwned(
    manager: EntityManager,
    userId: number,
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
      .andWhere('user_id = :userId', { userId })
      .execute();
    return result.affected === 1;
  }

  /**
   * The number of the caller's visible tasks matching the filters: from the task_counts
   * counters when the filters allow (a cost independent of the number of tasks), from the
   * caller's task_search rows for a search, otherwise by counting the matching rows.
   */
  async count(userId: number, filters: TaskListFilters, now: Date): Promise<number> {
    const query = buildTotalQuery(userId, filters, now);
    if (!query) return 0;
    const rows = await this.tasks.query<Array<{ total: unknown }>>(query.sql, query.params);
    return Number(rows[0]?.total ?? 0);
  }

  /** One page of the caller's visible tasks matching the filters, in the requested order. */
  async listPage(userId: number, request: TaskListRequest, now: Date): Promise<TaskResponseDto[]> {
    const query = buildPageRowsQuery(userId, request, now);
    if (!query) return [];
    const rows = await this.tasks.query<TaskSqlRow[]>(query.sql, query.params);
    return rows.map(taskRowToResponse);
  }

  async countByState(userId: number, now: Date): Promise<TaskCounts> {
    const query = buildStatsQuery(userId, now);
    const rows = await this.tasks.query<CountRow[]>(query.sql, query.params);
    const row = rows[0];
    const n = (key: keyof TaskCounts): number => Number(row?.[key] ?? 0);
    return {
      total: n('total'),
      pending: n('pending'),
      in_progress: n('in_progress'),
      completed: n('completed'),
      low: n('low'),
      medium: n('medium'),
      high: n('high'),
      overdue: n('overdue'),
    };
  }
}
