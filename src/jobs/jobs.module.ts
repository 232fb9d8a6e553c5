import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';
import { QUEUE_NAMES } from './job-registry';
import { JobsMetricsService } from './jobs-metrics.service';
import { JobsService } from './jobs.service';
import { OutboxRelayService } from './outbox-relay.service';
import { OutboxRepository } from './outbox.repository';
import { bullPrefix } from './queue-prefix';
import { RedisPolicyCheck } from './redis-policy.check';
import { TaskEventDispatcher } from './task-event-dispatcher';
import { WorkerPoolService } from './worker-pool.service';

/**
 * Background jobs on BullMQ: the queue registry's producers, the worker pool (in this process
 * when RUN_WORKERS=true, or in `npm run start:worker` processes), and the transactional outbox
 * that turns committed task events into jobs.
 */
@Module({
  imports: [
    DiscoveryModule,
    BullModule.forRootAsync({
      inject: [RedisConnectionFactory],
      useFactory: (factory: RedisConnectionFactory) => ({
        connection: factory.queueProducerOptions('queue'),
        prefix: bullPrefix(factory.keyPrefix),
      }),
    }),
    BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name }))),
  ],
  providers: [
    JobsService,
    OutboxRepository,
    OutboxRelayService,
    TaskEventDispatcher,
    WorkerPoolService,
    JobsMetricsService,
    RedisPolicyCheck,
  ],
  exports: [JobsService, WorkerPoolService],
})
export class JobsModule {}
