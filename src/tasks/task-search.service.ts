import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { TaskResponseDto } from './dto/task-response.dto';
import { applySearchChanges } from './task-search';

/**
 * Keeps task_search exact: every task write calls `apply` in its own transaction, so the
 * searchable rows commit (or roll back) with the task they describe.
 */
@Injectable()
export class TaskSearchService {
  /**
   * Moves the task's task_search rows from `before` to `after` (null: no live task on that
   * side): at most one DELETE, one UPDATE and one INSERT, by primary key; nothing when only
   * the status, priority or due date changed.
   */
  apply(
    manager: EntityManager,
    before: TaskResponseDto | null,
    after: TaskResponseDto | null,
  ): Promise<void> {
    return applySearchChanges((sql, params) => manager.query(sql, params), before, after);
  }
}
