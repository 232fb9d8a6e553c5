import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { TaskResponseDto } from '../dto/task-response.dto';
import { buildProjectSearchDelete, buildSearchWrite } from './search.sql';

/**
 * Owner of task_search: every task write calls `apply` in its own transaction, so the rows
 * commit (or roll back) with the change they index.
 */
@Injectable()
export class TaskSearchService {
  /** Moves the task's row from `before` to `after` (null: no live task on that side). */
  async apply(
    manager: EntityManager,
    before: TaskResponseDto | null,
    after: TaskResponseDto | null,
  ): Promise<void> {
    const write = buildSearchWrite(before, after);
    if (write) await manager.query(write.sql, write.params);
  }

  /** Drops a deleted project's rows, in its deletion transaction. */
  async removeProject(manager: EntityManager, projectId: number): Promise<void> {
    const query = buildProjectSearchDelete(projectId);
    await manager.query(query.sql, query.params);
  }
}
