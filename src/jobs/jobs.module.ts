import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';
import { QUEUE_NAMES } from './job-registry';
import { JobsMetricsService } from './jobs-metrics.service';
import { JobsService } from './jobs.service';
import { OutboxWakeups } from './outbox-wakeups';
import { bullPrefix } from './queue-prefix';
import { RedisPolicyCheck } from './redis-policy.check';
import { WorkerPoolService } from './worker-pool.service';

/**
 * Background jobs on BullMQ: the queue registry's producers and the worker pool (in this process
 * when RUN_WORKERS=true, or in `npm run start:worker` processes). It imports none of the
 * features whose jobs it runs: they declare their payloads and mark their handlers
 * (@JobHandler) and loops (@WorkerLoop), and the pool finds them at start.
 */
@Module({
  imports: [
    DiscoveryModule,
    BullModule.forRootAsync({
      inject: [RedisConnectionFactory],
      useFactory: (factory: RedisConnectionFactory) => ({
        connection: factory.queueProducerConnection('queue'),
        prefix: bullPrefix(factory.keyPrefix, factory.isCluster),
      }),
    }),
    BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name }))),
  ],
  providers: [JobsService, WorkerPoolService, JobsMetricsService, RedisPolicyCheck, OutboxWakeups],
  exports: [JobsService, WorkerPoolService, OutboxWakeups],
})
export class JobsModule {}
