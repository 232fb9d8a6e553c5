import { Injectable } from '@nestjs/common';
import { JobsService } from '../../jobs/jobs.service';
import { OutboxRedelivery } from '../../jobs/outbox-redelivery';
import { WorkerLoop } from '../../jobs/worker-loop';
import { MetricsService } from '../../metrics/metrics.service';
import { TASK_EVENTS_OUTBOX, taskEventJobId } from './outbox-relay.service';
import { OutboxRepository } from './outbox.repository';

/**
 * Re-queues task events whose `events.dispatch` job Redis lost after the relay published them
 * (see OutboxRedelivery): without it such an event would never reach its consumers, and the
 * dispatcher would hold its task's later events back for ORDERING_MAX_WAIT_MS waiting for it.
 * "Handled" is `dispatched_at`, set in the dispatch's transaction.
 */
@Injectable()
@WorkerLoop()
export class OutboxRedeliveryService extends OutboxRedelivery<'events.dispatch'> {
  constructor(outbox: OutboxRepository, jobs: JobsService, metrics: MetricsService) {
    super(
      TASK_EVENTS_OUTBOX,
      {
        publishedUnhandled: (range, limit) => outbox.publishedUndispatched(range, limit),
        unpublish: (ids, before) => outbox.unpublish(ids, before),
      },
      jobs,
      metrics,
      'events.dispatch',
    );
  }

  protected jobIdOf(eventId: number): string {
    return taskEventJobId(eventId);
  }
}
