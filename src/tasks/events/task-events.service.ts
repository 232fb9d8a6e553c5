import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TaskEvent } from './task-event';
import { OutboxRepository } from './outbox.repository';
import type { DispatchedTaskEvent } from './task-event-consumer';
import { TaskEventRecord } from './task-event-record.entity';

/**
 * The one seam through which task changes leave the tasks module. TasksService calls it inside
 * the transaction of the change, with that transaction's manager, so an event is recorded if
 * and only if its change commits; OutboxRelayService publishes the rows once committed (the
 * reminder job records `task.due_soon` the same way).
 */
@Injectable()
export class TaskEventsService {
  constructor(private readonly outbox: OutboxRepository) {}

  async record(manager: EntityManager, events: readonly TaskEvent[]): Promise<void> {
    if (events.length === 0) return;
    await manager.insert(
      TaskEventRecord,
      events.map((event) => ({
        eventType: event.type,
        taskId: event.taskId,
        actorId: event.actorId,
        payload: JSON.stringify({ before: event.before, after: event.after }),
        occurredAt: event.occurredAt,
        publishedAt: null,
      })),
    );
  }

  /**
   * For a consumer inside a dispatch: the task's previous event and when its dispatch committed
   * (null: none), so an announcement made after this commit can wait until the previous one's
   * has gone out (the real-time stream keeps each task's events in commit order).
   */
  previousOfTask(
    manager: EntityManager,
    event: DispatchedTaskEvent,
  ): Promise<{ id: number; dispatchedAt: Date | null } | null> {
    return this.outbox.previousOfTask(manager, event);
  }
}
