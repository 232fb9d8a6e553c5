import { Injectable } from '@nestjs/common';
import { JobsService } from '../../jobs/jobs.service';
import { OutboxRelay } from '../../jobs/outbox-relay';
import { OutboxWakeups } from '../../jobs/outbox-wakeups';
import { WorkerLoop } from '../../jobs/worker-loop';
import { OutboxRepository } from './outbox.repository';

/** The name under which the task event relay takes nudges (see OutboxWakeups). */
export const TASK_EVENTS_OUTBOX = 'task-events';

/** The deterministic id of an event's `events.dispatch` job. */
export function taskEventJobId(eventId: number): string {
  return `event-${eventId}`;
}

/**
 * Moves committed task events from the MySQL outbox (task_events) to the `events.dispatch`
 * queue (see OutboxRelay): a task write never depends on Redis. The job id `event-<id>` is
 * deterministic, and the dispatcher skips an event it has already dispatched. TaskEventsService
 * nudges it after each commit that recorded events (TASK_EVENTS_OUTBOX).
 */
@Injectable()
@WorkerLoop()
export class OutboxRelayService extends OutboxRelay<'events.dispatch'> {
  constructor(outbox: OutboxRepository, jobs: JobsService, wakeups: OutboxWakeups) {
    super('Outbox', outbox, jobs, 'events.dispatch', 200, {
      hub: wakeups,
      name: TASK_EVENTS_OUTBOX,
    });
  }

  protected jobOf(eventId: number): { payload: { eventId: number }; jobId: string } {
    return { payload: { eventId }, jobId: taskEventJobId(eventId) };
  }
}
