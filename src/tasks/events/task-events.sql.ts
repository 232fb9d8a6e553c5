import { placeholders, SqlQuery } from '../../common/database/sql';
import type { TaskEvent } from './task-event';

const EVENT_COLUMNS = 6;

/**
 * The INSERT of one write's events into the outbox, unpublished, in their order (ids ascend
 * with it). The payload is `{before, after}` and the comment when there is one (JSON.stringify
 * leaves `comment` out when it is undefined).
 */
export function buildEventsInsert(events: readonly TaskEvent[]): SqlQuery {
  const params: unknown[] = [];
  for (const event of events) {
    params.push(
      event.type,
      event.taskId,
      event.actorId,
      JSON.stringify({ before: event.before, after: event.after, comment: event.comment }),
      event.occurredAt,
      null,
    );
  }
  const row = `(${placeholders(EVENT_COLUMNS)})`;
  return {
    sql:
      'INSERT INTO task_events (event_type, task_id, actor_id, payload, occurred_at, published_at) ' +
      `VALUES ${events.map(() => row).join(', ')}`,
    params,
  };
}
