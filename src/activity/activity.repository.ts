import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { NewActivityEntry } from './domain/activity-entry';
import { TaskActivity } from './task-activity.entity';

/** A page of a feed: `offset` rows skipped, at most `limit` read. */
export interface FeedPage {
  offset: number;
  limit: number;
}

/**
 * The task_activity table. Writes take the caller's transaction manager (they commit with the
 * change they tell); reads are plain range reads on the feeds' indexes. Access is decided by
 * ActivityService before any read.
 */
@Injectable()
export class ActivityRepository {
  constructor(@InjectRepository(TaskActivity) private readonly rows: Repository<TaskActivity>) {}

  async insert(manager: EntityManager, entry: NewActivityEntry): Promise<void> {
    // updateEntity(false): `manager.insert` reads every inserted row back (a SELECT inside the
    // write's transaction, holding its locks) because `task_deleted` has a column default.
    await manager
      .createQueryBuilder()
      .insert()
      .into(TaskActivity)
      .values({
        taskId: entry.taskId,
        projectId: entry.projectId,
        actorId: entry.actorId,
        type: entry.type,
        changes: JSON.stringify(entry.changes),
        taskDeleted: 0,
        createdAt: entry.createdAt,
      })
      .updateEntity(false)
      .execute();
  }

  /** Takes a deleted task's entries out of its projects' feeds (idx_task_activity_task). */
  async hideTask(manager: EntityManager, taskId: number): Promise<void> {
    await manager.update(TaskActivity, { taskId, taskDeleted: 0 }, { taskDeleted: 1 });
  }

  /** A task's entries, oldest first (idx_task_activity_task). */
  async taskFeed(taskId: number, page: FeedPage): Promise<[TaskActivity[], number]> {
    const query = this.rows
      .createQueryBuilder('a')
      .where('a.task_id = :taskId', { taskId })
      .orderBy('a.id', 'ASC');
    return this.page(query, page);
  }

  /** The entries of a project's live tasks, newest first (idx_task_activity_project). */
  async projectFeed(projectId: number, page: FeedPage): Promise<[TaskActivity[], number]> {
    const query = this.rows
      .createQueryBuilder('a')
      .where('a.project_id = :projectId AND a.task_deleted = 0', { projectId })
      .orderBy('a.id', 'DESC');
    return this.page(query, page);
  }

  private async page(
    query: ReturnType<Repository<TaskActivity>['createQueryBuilder']>,
    { offset, limit }: FeedPage,
  ): Promise<[TaskActivity[], number]> {
    // A plain COUNT(*) over the feed's index range (getCount would count DISTINCT ids).
    const counted = await query
      .clone()
      .select('COUNT(*)', 'n')
      .orderBy()
      .getRawOne<{ n: string | number }>();
    const total = Number(counted?.n ?? 0);
    // Past the last page there is nothing to read; the count alone answers.
    if (offset >= total) return [[], total];
    const rows = await query.clone().offset(offset).limit(limit).getMany();
    return [rows, total];
  }
}
