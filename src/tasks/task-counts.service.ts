import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { TaskResponseDto } from './dto/task-response.dto';
import { applyCountDeltas, countDeltas } from './task-counts';

/**
 * Keeps task_counts exact: every task write calls `apply` in its own transaction, so the
 * counters commit (or roll back) with the rows they count.
 */
@Injectable()
export class TaskCountsService {
  /**
   * Moves the counters from `before` to `after` (null: no live task on that side). Call it as
   * the last statement before the commit: the counter rows it locks are shared by all of a
   * user's writes, so the shorter they are held the less those writes queue.
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
}
