import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { TaskResponseDto } from '../dto/task-response.dto';
import { applyCountDeltas, buildProjectCountsDelete, countDeltas } from './counts.sql';

/**
 * Owner of task_counts: every task write calls `apply` in its own transaction, so the counters
 * commit (or roll back) with the rows they count.
 */
@Injectable()
export class TaskCountsService {
  /**
   * Moves the counters from `before` to `after` (null: no live task on that side). Call it as
   * the last statement before the commit: the project's cells are shared by all of its writes,
   * so the shorter they are held the less those writes queue.
   */
  apply(
    manager: EntityManager,
    before: TaskResponseDto | null,
    after: TaskResponseDto | null,
  ): Promise<void> {
    return applyCountDeltas(
      (sql, params) => manager.query(sql, params),
      countDeltas(before, after),
    );
  }

  /** Drops a deleted project's cells, in its deletion transaction. */
  async removeProject(manager: EntityManager, projectId: number): Promise<void> {
    const query = buildProjectCountsDelete(projectId);
    await manager.query(query.sql, query.params);
  }
}
