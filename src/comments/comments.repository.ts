import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { retriedTransaction } from '../common/database/retried-transaction';
import { TaskComment } from './comment.entity';

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

  /** One page of the task's comments, oldest first (ids grow with creation), and their count. */
  async pageOfTask(
    taskId: number,
    offset: number,
    limit: number,
  ): Promise<{ items: TaskComment[]; total: number }> {
    const total = await this.rows.countBy({ taskId });
    // Past the last page there is nothing to read; the count alone answers.
    const items =
      offset < total
        ? await this.rows
            .createQueryBuilder('c')
            .where('c.task_id = :taskId', { taskId })
            .orderBy('c.id', 'ASC')
            .offset(offset)
            .limit(limit)
            .getMany()
        : [];
    return { items, total };
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
