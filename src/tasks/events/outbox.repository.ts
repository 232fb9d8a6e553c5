import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  PublishedRange,
  publishedRangeCondition,
  PublishedRow,
} from '../../jobs/outbox-redelivery';
import { opensItsTask, type TaskEvent, type TaskEventType } from './task-event';
import { buildEventsInsert } from './task-events.sql';
import type { DispatchedTaskEvent } from './task-event-consumer';

interface OutboxRow {
  id: string | number;
  event_type: TaskEventType;
  task_id: number;
  actor_id: number;
  payload: string;
  occurred_at: Date;
  published_at: Date | null;
  dispatched_at: Date | null;
}

/**
 * The outbox side of `task_events`: TaskEventsService writes the rows in the task writes'
 * transactions, the relay publishes them and the dispatcher marks them dispatched. Plain SQL:
 * the queries need row locks.
 */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Records one write's events (not yet published) in the caller's transaction. Plain SQL, one
   * statement for all of them: TypeORM's insert builder cost more CPU than the statement.
   */
  async insert(manager: EntityManager, events: readonly TaskEvent[]): Promise<void> {
    const insert = buildEventsInsert(events);
    await manager.query(insert.sql, insert.params);
  }

  /** Ids of the oldest events not yet published, in order. No lock: publishing is idempotent. */
  async unpublished(limit: number): Promise<number[]> {
    const rows = await this.dataSource.query<Array<{ id: string | number }>>(
      'SELECT id FROM task_events WHERE published_at IS NULL ORDER BY id LIMIT ?',
      [limit],
    );
    return rows.map((row) => Number(row.id));
  }

  async markPublished(ids: number[]): Promise<void> {
    await this.dataSource.query(
      'UPDATE task_events SET published_at = ? WHERE id IN (?) AND published_at IS NULL',
      [new Date(), ids],
    );
  }

  /**
   * Events published within the range and not dispatched yet, in (published_at, id) order: the
   * redelivery sweep's read (idx_task_events_undispatched).
   */
  async publishedUndispatched(range: PublishedRange, limit: number): Promise<PublishedRow[]> {
    const condition = publishedRangeCondition(range);
    const rows = await this.dataSource.query<Array<{ id: string | number; published_at: Date }>>(
      `SELECT id, published_at FROM task_events WHERE dispatched_at IS NULL AND ${condition.sql} ORDER BY published_at, id LIMIT ?`,
      [...condition.params, limit],
    );
    return rows.map((row) => ({ id: Number(row.id), publishedAt: row.published_at }));
  }

  /** Hands events whose job was lost back to the relay (see OutboxRedelivery.unpublish). */
  async unpublish(ids: number[], before: Date): Promise<number> {
    const result = await this.dataSource.query<{ affectedRows: number }>(
      'UPDATE task_events SET published_at = NULL WHERE id IN (?) AND dispatched_at IS NULL AND published_at < ?',
      [ids, before],
    );
    return result.affectedRows;
  }

  /** Locks one event for dispatch; null when it does not exist. */
  async lockForDispatch(
    manager: EntityManager,
    id: number,
  ): Promise<{ event: DispatchedTaskEvent; dispatched: boolean } | null> {
    const rows = await manager.query<OutboxRow[]>(
      'SELECT * FROM task_events WHERE id = ? FOR UPDATE',
      [id],
    );
    const row = rows[0];
    if (!row) return null;
    const payload = JSON.parse(row.payload) as Pick<
      DispatchedTaskEvent,
      'before' | 'after' | 'comment'
    >;
    return {
      dispatched: row.dispatched_at !== null,
      event: {
        id: Number(row.id),
        type: row.event_type,
        taskId: row.task_id,
        actorId: row.actor_id,
        occurredAt: row.occurred_at,
        before: payload.before,
        after: payload.after,
        // Only comment events carry one; the key stays absent on the others.
        ...(payload.comment === undefined ? {} : { comment: payload.comment }),
      },
    };
  }

  /**
   * The id of an earlier event of the same task that has not been dispatched yet, if any (none,
   * without a query, for the event that opens its task).
   */
  async earlierUndispatched(
    manager: EntityManager,
    event: DispatchedTaskEvent,
  ): Promise<number | null> {
    if (opensItsTask(event)) return null;
    const rows = await manager.query<Array<{ id: string | number }>>(
      'SELECT id FROM task_events WHERE task_id = ? AND id < ? AND dispatched_at IS NULL ORDER BY id LIMIT 1',
      [event.taskId, event.id],
    );
    return rows[0] ? Number(rows[0].id) : null;
  }

  /** The id of the next event of the task after `afterId` not dispatched yet, if any. */
  async nextUndispatched(taskId: number, afterId: number): Promise<number | null> {
    const rows = await this.dataSource.query<Array<{ id: string | number }>>(
      'SELECT id FROM task_events WHERE task_id = ? AND id > ? AND dispatched_at IS NULL ORDER BY id LIMIT 1',
      [taskId, afterId],
    );
    return rows[0] ? Number(rows[0].id) : null;
  }

  /**
   * The event of the same task just before this one, with when it was dispatched (none, without
   * a query, for the event that opens its task).
   */
  async previousOfTask(
    manager: EntityManager,
    event: DispatchedTaskEvent,
  ): Promise<{ id: number; dispatchedAt: Date | null } | null> {
    if (opensItsTask(event)) return null;
    const rows = await manager.query<Array<{ id: string | number; dispatched_at: Date | null }>>(
      'SELECT id, dispatched_at FROM task_events WHERE task_id = ? AND id < ? ORDER BY id DESC LIMIT 1',
      [event.taskId, event.id],
    );
    return rows[0] ? { id: Number(rows[0].id), dispatchedAt: rows[0].dispatched_at } : null;
  }

  async markDispatched(manager: EntityManager, id: number): Promise<void> {
    await manager.query('UPDATE task_events SET dispatched_at = ? WHERE id = ?', [new Date(), id]);
  }

  /** Age in seconds of the oldest event not yet published (0 when none): the outbox lag. */
  async oldestUnpublishedAgeSeconds(): Promise<number> {
    const rows = await this.dataSource.query<Array<{ oldest: Date | null }>>(
      'SELECT MIN(occurred_at) AS oldest FROM task_events WHERE published_at IS NULL',
    );
    const oldest = rows[0]?.oldest;
    return oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0;
  }
}
