import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobsModule } from '../../jobs/jobs.module';
import { OutboxMetricsService } from './outbox-metrics.service';
import { OutboxRedeliveryService } from './outbox-redelivery.service';
import { OutboxRelayService } from './outbox-relay.service';
import { OutboxRepository } from './outbox.repository';
import { TaskEventDispatcher } from './task-event-dispatcher';
import { TaskEventsService } from './task-events.service';

/**
 * Task events and their transactional outbox, the one owner of `task_events`: TaskEventsService
 * records events in the task writes' transactions, the relay (a @WorkerLoop) moves committed
 * rows to the `events` queue (and the redelivery sweep, another, re-queues those whose job Redis
 * lost), and the dispatcher (the `events.dispatch` job) hands each to the
 * @TaskEventConsumer providers of other modules, in order per task. It depends on the job core,
 * never the other way round, and imports none of its consumers.
 */
@Module({
  imports: [DiscoveryModule, JobsModule],
  providers: [
    TaskEventsService,
    OutboxRepository,
    OutboxRelayService,
    OutboxRedeliveryService,
    TaskEventDispatcher,
    OutboxMetricsService,
  ],
  exports: [TaskEventsService],
})
export class TaskEventsModule {}
