import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { retriedTransaction } from '../common/database/retried-transaction';
import { buildTaskCommentCountQuery, buildTaskCommentPageQuery } from './comment-page.sql';
import { CommentView, TaskComment } from './comment.entity';

export type NewComment = Omit<TaskComment, 'id'>;

/** The comments table. Access is decided by CommentsService on the task of each row. */
@Injectable()
export class CommentsRepository {
  constructor(@InjectRepository(TaskComment) private readonly rows: Repository<TaskComment>) {}

  /**
   * Runs `work` in one transaction, again after a deadlock (a comment write locks the task row
   * and its project, like task writes, which InnoDB may resolve by rolling one back).
   */
  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return retriedTransaction(this.rows.manager, work, { runs: 3 });
  }

  async insert(manager: EntityManager, row: NewComment): Promise<TaskComment> {
    const entity = manager.create(TaskComment, row);
    const result = await manager.insert(TaskComment, entity);
    entity.id = Number(result.identifiers[0].id);
    return entity;
  }

  /** The task's comment; null when there is none of that id on that task. */
  findOfTask(taskId: number, id: number): Promise<TaskComment | null> {
    return this.rows.findOneBy({ id, taskId });
  }

  /** The task's comment, locked (`FOR UPDATE`) until the transaction ends; null if none. */
  lockOfTask(manager: EntityManager, taskId: number, id: number): Promise<TaskComment | null> {
    return manager
      .createQueryBuilder(TaskComment, 'c')
      .where('c.id = :id AND c.task_id = :taskId', { id, taskId })
      .setLock('pessimistic_write')
      .getOne();
  }

  /**
   * One page of the task's comments, oldest first, and their count: one statement
   * (buildTaskCommentPageQuery), raw, since the rows need no entity hydration; only a page past
   * the last counts on its own.
   */
  async pageOfTask(
    taskId: number,
    offset: number,
    limit: number,
  ): Promise<{ items: CommentView[]; total: number }> {
    const page = buildTaskCommentPageQuery(taskId, offset, limit);
    const rows = await this.rows.query<Array<CommentPageRow>>(page.sql, page.params);
    if (rows.length === 0) {
      const count = buildTaskCommentCountQuery(taskId);
      const [counted] = await this.rows.query<Array<{ total: number | string }>>(
        count.sql,
        count.params,
      );
      return { items: [], total: Number(counted?.total ?? 0) };
    }
    return { items: rows.map(toCommentView), total: Number(rows[0].total) };
  }

  /** The number of comments of each of `taskIds` that has any (one grouped query). */
  async countByTaskIds(taskIds: readonly number[]): Promise<Map<number, number>> {
    if (taskIds.length === 0) return new Map();
    const rows = await this.rows
      .createQueryBuilder('c')
      .select('c.task_id', 'task_id')
      .addSelect('COUNT(*)', 'n')
      .where('c.task_id IN (:...taskIds)', { taskIds: [...taskIds] })
      .groupBy('c.task_id')
      .getRawMany<{ task_id: number | string; n: number | string }>();
    return new Map(rows.map((row) => [Number(row.task_id), Number(row.n)]));
  }

  async update(
    manager: EntityManager,
    id: number,
    changes: Pick<TaskComment, 'body' | 'mentions' | 'mentionedEver' | 'editedAt'>,
  ): Promise<void> {
    await manager.update(TaskComment, { id }, changes);
  }

  async deleteById(manager: EntityManager, id: number): Promise<void> {
    await manager.delete(TaskComment, { id });
  }
}

/** A row of buildTaskCommentPageQuery: the columns as stored, and the task's comment count. */
interface CommentPageRow {
  id: number;
  task_id: number;
  author_id: number;
  body: string;
  mentions: string;
  created_at: Date;
  edited_at: Date | null;
  total: number | string;
}

/** A raw page row as the entity's view (mentions are a JSON list, as the entity stores them). */
function toCommentView(row: CommentPageRow): CommentView {
  return {
    id: Number(row.id),
    taskId: Number(row.task_id),
    authorId: Number(row.author_id),
    body: row.body,
    mentions: JSON.parse(row.mentions) as number[],
    createdAt: row.created_at,
    editedAt: row.edited_at,
  };
}
