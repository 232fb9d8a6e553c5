import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { NewActivityEntry } from './domain/activity-entry';
import { buildEntryInsert } from './entry.sql';
import { buildFeedCountQuery, buildFeedPageQuery, Feed, projectFeed, taskFeed } from './feed.sql';
import { TaskActivity } from './task-activity.entity';

/** A page of a feed: `offset` rows skipped, at most `limit` read. */
export interface FeedPage {
  offset: number;
  limit: number;
}

/**
 * The task_activity table. Writes take the caller's transaction manager (they commit with the
 * change they tell); reads are range reads on the feeds' indexes (feed.sql.ts). Access is
 * decided by ActivityService before any read.
 */
@Injectable()
export class ActivityRepository {
  constructor(@InjectRepository(TaskActivity) private readonly rows: Repository<TaskActivity>) {}

  async insert(manager: EntityManager, entry: NewActivityEntry): Promise<void> {
    const insert = buildEntryInsert(entry);
    await manager.query(insert.sql, insert.params);
  }

  /** Takes a deleted task's entries out of its projects' feeds (idx_task_activity_task). */
  async hideTask(manager: EntityManager, taskId: number): Promise<void> {
    await manager.update(TaskActivity, { taskId, taskDeleted: 0 }, { taskDeleted: 1 });
  }

  /** A task's entries, oldest first (idx_task_activity_task). */
  taskFeed(taskId: number, page: FeedPage): Promise<[TaskActivity[], number]> {
    return this.page(taskFeed(taskId), page);
  }

  /** The entries of a project's live tasks, newest first (idx_task_activity_project). */
  projectFeed(projectId: number, page: FeedPage): Promise<[TaskActivity[], number]> {
    return this.page(projectFeed(projectId), page);
  }

  /**
   * A page and the feed's count in one statement (buildFeedPageQuery), raw: the rows need no
   * entity hydration, and the count no round trip of its own. Only a page past the last (no
   * row to carry the count) counts on its own.
   */
  private async page(feed: Feed, { offset, limit }: FeedPage): Promise<[TaskActivity[], number]> {
    const query = buildFeedPageQuery(feed, offset, limit);
    const rows = await this.rows.query<Array<TaskActivity & { total: number | string }>>(
      query.sql,
      query.params,
    );
    if (rows.length === 0) {
      const count = buildFeedCountQuery(feed);
      const [counted] = await this.rows.query<Array<{ total: number | string }>>(
        count.sql,
        count.params,
      );
      return [[], Number(counted?.total ?? 0)];
    }
    const total = Number(rows[0].total);
    return [rows.map(({ total: _total, ...entry }) => toEntry(entry)), total];
  }
}

/** A raw row as the entity: mysql2 answers BIGINT ids as strings already, DATETIME as Date. */
function toEntry(row: TaskActivity): TaskActivity {
  return {
    ...row,
    id: String(row.id),
    taskId: Number(row.taskId),
    projectId: Number(row.projectId),
    actorId: Number(row.actorId),
    taskDeleted: Number(row.taskDeleted),
  };
}
