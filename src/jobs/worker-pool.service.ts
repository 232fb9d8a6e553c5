import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { DelayedError, Job, UnrecoverableError, Worker } from 'bullmq';
import { AppConfigType, InjectAppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';
import { JOB_HANDLER_KEY, JobHandlerInstance, PermanentJobError } from './job-handler';
import { JOB_DEFINITIONS, JobName, JobPayloads, QUEUE_NAMES, QueueName } from './job-registry';
import { bullPrefix } from './queue-prefix';
import { WORKER_LOOP_KEY, WorkerLoopInstance } from './worker-loop';

/**
 * The worker pool of this process: one BullMQ worker per queue with WORKER_CONCURRENCY jobs at
 * once, plus the @WorkerLoop providers (the task event outbox relay). It runs in the API
 * process when RUN_WORKERS=true and in `npm run start:worker` processes; any number of each may
 * run side by side. On shutdown the workers stop taking jobs and wait for the active ones (a
 * job cut off by a crash is found by the stalled-job check of another worker and run again).
 */
@Injectable()
export class WorkerPoolService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerPoolService.name);
  private readonly workers: Worker[] = [];
  private handlers = new Map<JobName, JobHandlerInstance>();
  private loops: WorkerLoopInstance[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly factory: RedisConnectionFactory,
    private readonly metrics: MetricsService,
    @InjectAppConfig() private readonly config: AppConfigType,
  ) {}

  get running(): boolean {
    return this.workers.length > 0;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.jobs.runWorkers) await this.start();
  }

  /** Starts the workers and the worker loops; fails if a registered job has no handler. */
  start(): Promise<void> {
    if (this.running) return Promise.resolve();
    this.handlers = this.discoverHandlers();
    this.loops = this.discoverLoops();
    const { workerConcurrency, lockDurationMs, stalledIntervalMs } = this.config.jobs;
    for (const queue of QUEUE_NAMES) {
      const worker = new Worker(queue, (job, token) => this.process(job, token), {
        connection: this.factory.queueWorkerConnection(`worker:${queue}`),
        prefix: bullPrefix(this.factory.keyPrefix, this.factory.isCluster),
        concurrency: workerConcurrency,
        lockDuration: lockDurationMs,
        stalledInterval: stalledIntervalMs,
        maxStalledCount: 2,
      });
      worker.on('error', (error) => this.logger.warn(`Worker ${queue}: ${error.message}`));
      worker.on('failed', (job, error) => {
        if (job && !(error instanceof DelayedError)) this.onFailed(queue, job, error);
      });
      this.workers.push(worker);
    }
    // Not awaiting the workers' connections: with Redis down they keep retrying in the
    // background, and the process must still start (Redis is an accelerator, not a dependency).
    for (const loop of this.loops) loop.start();
    this.logger.log(
      `Workers started: queues ${QUEUE_NAMES.join(', ')}, concurrency ${workerConcurrency} each`,
    );
    return Promise.resolve();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.loops.map((loop) => loop.stop()));
    // close() stops fetching and waits for the active jobs to finish.
    await Promise.allSettled(this.workers.map((worker) => worker.close()));
    this.workers.length = 0;
  }

  private discoverHandlers(): Map<JobName, JobHandlerInstance> {
    const handlers = new Map<JobName, JobHandlerInstance>();
    for (const wrapper of this.discovery.getProviders()) {
      const name = wrapper.metatype
        ? (Reflect.getMetadata(JOB_HANDLER_KEY, wrapper.metatype) as JobName | undefined)
        : undefined;
      if (!name) continue;
      if (handlers.has(name)) throw new Error(`Two handlers for job ${name}`);
      handlers.set(name, wrapper.instance as JobHandlerInstance);
    }
    const missing = (Object.keys(JOB_DEFINITIONS) as JobName[]).filter(
      (name) => !handlers.has(name),
    );
    if (missing.length > 0) throw new Error(`Jobs without a handler: ${missing.join(', ')}`);
    return handlers;
  }

  private discoverLoops(): WorkerLoopInstance[] {
    return this.discovery
      .getProviders()
      .filter(
        (wrapper) => wrapper.metatype && Reflect.getMetadata(WORKER_LOOP_KEY, wrapper.metatype),
      )
      .map((wrapper) => wrapper.instance as WorkerLoopInstance);
  }

  private async process(job: Job, token?: string): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new UnrecoverableError(`No handler for job ${job.name}`);
    const started = process.hrtime.bigint();
    this.logger.debug(`Job ${job.name} ${job.id} started (attempt ${job.attemptsMade + 1})`);
    try {
      const result = await handler.handle(job as Job<JobPayloads[JobName]>, token);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.jobFinished(job.name, 'completed', seconds);
      this.logger.log(`Job ${job.name} ${job.id} completed in ${(seconds * 1000).toFixed(1)} ms`);
      return result;
    } catch (error) {
      if (error instanceof DelayedError) throw error;
      this.metrics.jobFinished(job.name, 'failed', Number(process.hrtime.bigint() - started) / 1e9);
      // A permanent failure is not retried: BullMQ fails the job at once with this reason.
      if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
      throw error;
    }
  }

  private onFailed(queue: QueueName, job: Job, error: Error): void {
    const final =
      job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError;
    const what = final ? 'failed for good' : `failed (attempt ${job.attemptsMade}), will retry`;
    this.logger.warn(`Job ${job.name} ${job.id} on ${queue} ${what}: ${error.message}`);
  }
}
