import { Injectable } from '@nestjs/common';
import { JobsService } from '../../jobs/jobs.service';
import { OutboxRelay } from '../../jobs/outbox-relay';
import { WorkerLoop } from '../../jobs/worker-loop';
import { OutboxRepository } from './outbox.repository';

/**
 * Moves committed task events from the MySQL outbox (task_events) to the `events.dispatch`
 * queue (see OutboxRelay): a task write never depends on Redis. The job id `event-<id>` is
 * deterministic, and the dispatcher skips an event it has already dispatched.
 */
@Injectable()
@WorkerLoop()
export class OutboxRelayService extends OutboxRelay<'events.dispatch'> {
  constructor(outbox: OutboxRepository, jobs: JobsService) {
    super('Outbox', outbox, jobs, 'events.dispatch', 200);
  }

  protected jobOf(eventId: number): { payload: { eventId: number }; jobId: string } {
    return { payload: { eventId }, jobId: `event-${eventId}` };
  }
}
