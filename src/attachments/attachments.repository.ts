import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { retriedTransaction } from '../common/database/retried-transaction';
import { Attachment } from './attachment.entity';

export type NewAttachment = Omit<Attachment, 'id'>;

/** The attachments table. Access is decided by AttachmentsService on the task of each row. */
@Injectable()
export class AttachmentsRepository {
  constructor(@InjectRepository(Attachment) private readonly rows: Repository<Attachment>) {}

  /**
   * Runs `work` in one transaction, again after a deadlock (a write here locks the task row
   * and its project, like task writes, which InnoDB may resolve by rolling one back).
   */
  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return retriedTransaction(this.rows.manager, work, { runs: 3 });
  }

  async insert(manager: EntityManager, row: NewAttachment): Promise<Attachment> {
    const entity = manager.create(Attachment, row);
    const result = await manager.insert(Attachment, entity);
    entity.id = Number(result.identifiers[0].id);
    return entity;
  }

  findById(id: number): Promise<Attachment | null> {
    return this.rows.findOneBy({ id });
  }

  /** The row, locked (`FOR UPDATE`) until the transaction ends. */
  lockById(manager: EntityManager, id: number): Promise<Attachment | null> {
    return manager
      .createQueryBuilder(Attachment, 'a')
      .where('a.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** A task's attachments, oldest first. */
  listByTask(taskId: number, manager: EntityManager = this.rows.manager): Promise<Attachment[]> {
    return manager
      .createQueryBuilder(Attachment, 'a')
      .where('a.task_id = :taskId', { taskId })
      .orderBy('a.id', 'ASC')
      .getMany();
  }

  async existsForTask(manager: EntityManager, taskId: number): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      'SELECT 1 FROM attachments WHERE task_id = ? LIMIT 1',
      [taskId],
    );
    return rows.length > 0;
  }

  /** Distinct task ids that have attachments, above `afterTaskId`, ascending (index range). */
  async taskIdsAfter(afterTaskId: number, limit: number): Promise<number[]> {
    const rows = await this.rows.manager.query<Array<{ task_id: number }>>(
      'SELECT DISTINCT task_id FROM attachments WHERE task_id > ? ORDER BY task_id LIMIT ?',
      [afterTaskId, limit],
    );
    return rows.map((row) => Number(row.task_id));
  }

  async deleteById(id: number, manager: EntityManager = this.rows.manager): Promise<void> {
    await manager.delete(Attachment, { id });
  }
}
