import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Job, JobsOptions, Queue } from 'bullmq';
import { ServiceUnavailableError } from '../common/errors/domain-errors';
import { AppConfigType, InjectAppConfig } from '../config/app-config';
import { JobName, jobOptions, JobPayloads, QUEUE_NAMES, QueueName, queueOf } from './job-registry';

/** A request must not wait on the queue longer than this; past it the answer is a 503. */
const QUEUE_CALL_TIMEOUT_MS = 1500;

/** Enqueues registered jobs with their registry options; the only producer API. */
@Injectable()
export class JobsService implements OnModuleInit {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly moduleRef: ModuleRef,
    @InjectAppConfig() private readonly config: AppConfigType,
  ) {}

  onModuleInit(): void {
    for (const name of QUEUE_NAMES) {
      this.queues.set(name, this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    }
  }

  queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`Queue ${name} is not registered`);
    return queue;
  }

  /** Adds a job; a `jobId` makes it idempotent (adding an existing id is a no-op). */
  enqueue<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    options: Pick<JobsOptions, 'jobId' | 'delay'> = {},
  ): Promise<Job<JobPayloads[N]>> {
    const queue = this.queue(queueOf(name));
    return bounded(
      queue.add(name, payload, { ...jobOptions(name, this.config), ...options }) as Promise<
        Job<JobPayloads[N]>
      >,
    );
  }

  /** Adds many jobs of one name in one round trip. */
  async enqueueMany<N extends JobName>(
    name: N,
    jobs: Array<{ payload: JobPayloads[N]; jobId: string }>,
  ): Promise<void> {
    if (jobs.length === 0) return;
    const options = jobOptions(name, this.config);
    await bounded(
      this.queue(queueOf(name)).addBulk(
        jobs.map((job) => ({ name, data: job.payload, opts: { ...options, jobId: job.jobId } })),
      ),
    );
  }

  /** Removes a waiting or delayed job (no-op if it is gone or running). */
  async remove(name: JobName, jobId: string): Promise<void> {
    await bounded(this.queue(queueOf(name)).remove(jobId));
  }

  getJob(queue: QueueName, jobId: string): Promise<Job | undefined> {
    return bounded(this.queue(queue).getJob(jobId));
  }
}

/**
 * BullMQ queue connections wait for Redis instead of failing; a request must not. Past the
 * bound the caller gets SERVICE_UNAVAILABLE (the call may still complete later, which every
 * job tolerates: ids are deterministic where it matters).
 */
export async function bounded<T>(
  operation: Promise<T>,
  timeoutMs = QUEUE_CALL_TIMEOUT_MS,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new ServiceUnavailableError('The job queue is unavailable; try again shortly')),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([operation, timeout]);
  } catch (error) {
    if (error instanceof ServiceUnavailableError) throw error;
    throw new ServiceUnavailableError(
      `The job queue is unavailable: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    clearTimeout(timer);
  }
}
