import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TaskEvent } from './task-event';
import { TaskEventRecord } from './task-event-record.entity';

/**
 * The one seam through which task changes leave the tasks module. TasksService calls it inside
 * the transaction of the change, with that transaction's manager, so an event is recorded if
 * and only if its change commits; OutboxRelayService publishes the rows once committed (the
 * reminder job records `task.due_soon`, the comments module `comment.created`, the same way).
 */
@Injectable()
export class TaskEventsService {
  async record(manager: EntityManager, events: readonly TaskEvent[]): Promise<void> {
    if (events.length === 0) return;
    await manager.insert(
      TaskEventRecord,
      events.map((event) => ({
        eventType: event.type,
        taskId: event.taskId,
        actorId: event.actorId,
        // `comment` is left out of the JSON when absent (JSON.stringify drops undefined).
        payload: JSON.stringify({
          before: event.before,
          after: event.after,
          comment: event.comment,
        }),
        occurredAt: event.occurredAt,
        publishedAt: null,
      })),
    );
  }
}
