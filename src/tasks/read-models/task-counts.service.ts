import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { TaskResponseDto } from '../dto/task-response.dto';
import { applyCountDeltas, buildProjectCountsDelete, countDeltas } from './counts.sql';
import {
  applyHourlyDeltas,
  buildProjectHourlyCountsDelete,
  hourlyDeltas,
} from './hourly-counts.sql';

/**
 * Owner of the task counters, task_counts and task_hourly_counts: every task write calls
 * `apply` in its own transaction, so the counters commit (or roll back) with the rows they
 * count.
 */
@Injectable()
export class TaskCountsService {
  /**
   * Moves the counters from `before` to `after` (null: no live task on that side). Call it as
   * the last statement before the commit: the project's cells are shared by all of its writes,
   * so the shorter they are held the less those writes queue.
   */
  async apply(
    manager: EntityManager,
    before: TaskResponseDto | null,
    after: TaskResponseDto | null,
  ): Promise<void> {
    const run = (sql: string, params: unknown[]): Promise<unknown> => manager.query(sql, params);
    // Always in this order (hourly counters, then cells), each in primary-key order, so two
    // writes of the same project lock them in one order and queue rather than deadlock.
    await applyHourlyDeltas(run, hourlyDeltas(before, after));
    await applyCountDeltas(run, countDeltas(before, after));
  }

  /** Drops a deleted project's counters, in its deletion transaction. */
  async removeProject(manager: EntityManager, projectId: number): Promise<void> {
    for (const query of [
      buildProjectHourlyCountsDelete(projectId),
      buildProjectCountsDelete(projectId),
    ]) {
      await manager.query(query.sql, query.params);
    }
  }
}
