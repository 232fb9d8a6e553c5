import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { TaskResponseDto } from '../dto/task-response.dto';
import { buildProjectSearchDelete, buildSearchWrites } from './search.sql';

/**
 * Owner of task_search and task_search_buckets (the writes; TaskSearchCounts reads): every task
 * write calls `apply` in its own transaction, so the rows and their bucket versions commit (or
 * roll back) with the change they index.
 */
@Injectable()
export class TaskSearchService {
  /** Moves the task's row from `before` to `after` (null: no live task on that side). */
  async apply(
    manager: EntityManager,
    before: TaskResponseDto | null,
    after: TaskResponseDto | null,
  ): Promise<void> {
    for (const write of buildSearchWrites(before, after)) {
      await manager.query(write.sql, write.params);
    }
  }

  /** Drops a deleted project's rows and buckets, in its deletion transaction. */
  async removeProject(manager: EntityManager, projectId: number): Promise<void> {
    for (const query of buildProjectSearchDelete(projectId)) {
      await manager.query(query.sql, query.params);
    }
  }
}
