import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DelayedError, Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { JobHandler, JobHandlerInstance, PermanentJobError } from '../../jobs/job-handler';
import { JobsService } from '../../jobs/jobs.service';
import { taskEventJobId } from './outbox-relay.service';
import { OutboxRepository } from './outbox.repository';
import {
  TASK_EVENT_CONSUMER_KEY,
  TaskEventConsumerInstance,
  TaskEventConsumerOptions,
} from './task-event-consumer';

export interface TaskEventDispatchPayload {
  /** The outbox row (task_events.id). */
  eventId: number;
}

declare module '../../jobs/job-registry' {
  interface JobPayloads {
    /** Fan a committed task event out to its consumers (webhooks, notifications, reminders). */
    'events.dispatch': TaskEventDispatchPayload;
  }
}

/**
 * How long an event waits before trying again when an earlier event of its task is pending.
 * Usually the wait ends sooner: the earlier event's dispatch promotes it once committed (see
 * promoteSuccessor). The delay is the fallback for a promotion that came too early (before this
 * one was delayed) or failed; it doubles, so a predecessor stuck for a while is not polled for
 * every few milliseconds by a busy system's retries.
 */
const ORDERING_FIRST_DELAY_MS = 50;
const ORDERING_LONGEST_DELAY_MS = 250;
/**
 * Past this age an event stops waiting for a predecessor (one whose dispatch failed for good),
 * so one broken event cannot hold back its task's later events forever.
 */
const ORDERING_MAX_WAIT_MS = 10 * 60_000;

/** Events of the same task a dispatch job sends right after its own (dispatchFollowing). */
const INLINE_SUCCESSORS = 100;

type DispatchOutcome = 'already' | 'wait' | 'done';

/**
 * Runs every @TaskEventConsumer on one committed event, in one transaction with the event's
 * `dispatched_at` mark, so a consumer's database effects and the mark commit together and a
 * redelivered event is skipped. Events of one task are dispatched in order: an event whose
 * predecessor has not run yet is delayed (without spending an attempt) until it has, and the
 * job that dispatched an event goes on with the task's next ones (dispatchFollowing).
 */
@Injectable()
@JobHandler('events.dispatch')
export class TaskEventDispatcher implements JobHandlerInstance<'events.dispatch'>, OnModuleInit {
  private readonly logger = new Logger(TaskEventDispatcher.name);
  private consumers: TaskEventConsumerInstance[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly outbox: OutboxRepository,
    private readonly jobs: JobsService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    const marked = this.discovery.getProviders().flatMap((wrapper) => {
      const options = wrapper.metatype
        ? (Reflect.getMetadata(TASK_EVENT_CONSUMER_KEY, wrapper.metatype) as
            Required<TaskEventConsumerOptions> | undefined)
        : undefined;
      if (!options) return [];
      return [{ first: options.first, instance: wrapper.instance as TaskEventConsumerInstance }];
    });
    // A stable sort: the `first` consumers, then the others, each in discovery order.
    this.consumers = marked
      .sort((x, y) => Number(y.first) - Number(x.first))
      .map((consumer) => consumer.instance);
  }

  async handle(
    job: Job<TaskEventDispatchPayload>,
    token?: string,
  ): Promise<{ dispatched: boolean }> {
    const { eventId } = job.data;
    const { outcome, taskId } = await this.dispatch(eventId);
    if (outcome === 'wait') {
      // BullMQ's way to postpone a job without counting a failed attempt.
      await job.moveToDelayed(Date.now() + orderingDelayMs(job.attemptsStarted), token);
      throw new DelayedError();
    }
    if (outcome === 'done') await this.dispatchFollowing(taskId, eventId);
    return { dispatched: outcome === 'done' };
  }

  /**
   * One event, in one transaction with its `dispatched_at` mark: 'already' when it was
   * dispatched before, 'wait' when an earlier event of its task has not been yet.
   */
  private async dispatch(eventId: number): Promise<{ outcome: DispatchOutcome; taskId: number }> {
    let taskId = 0;
    const outcome = await this.dataSource.transaction(async (manager): Promise<DispatchOutcome> => {
      const locked = await this.outbox.lockForDispatch(manager, eventId);
      if (!locked) throw new PermanentJobError(`task event ${eventId} does not exist`);
      if (locked.dispatched) return 'already';
      taskId = locked.event.taskId;
      const blocker = await this.outbox.earlierUndispatched(manager, locked.event);
      if (blocker !== null) {
        if (Date.now() - locked.event.occurredAt.getTime() < ORDERING_MAX_WAIT_MS) return 'wait';
        this.logger.warn(
          `Event ${eventId} dispatched ahead of stuck event ${blocker} of task ${locked.event.taskId}`,
        );
      }
      for (const consumer of this.consumers) await consumer.onTaskEvent(locked.event, manager);
      await this.outbox.markDispatched(manager, eventId);
      return 'done';
    });
    return { outcome, taskId };
  }

  /**
   * Dispatches the task's next events right after this one, each in its own transaction, up to
   * INLINE_SUCCESSORS: a burst of one task's events (a thousand comments) then goes out at the
   * pace of dispatching rather than of their jobs being picked, found blocked, delayed and
   * promoted one at a time, each pick a transaction of its own (measured: 1–3 events a second
   * for such a burst, with the workers busy on it). Their own jobs find them dispatched. It
   * stops at the first that fails or waits (its job retries it) and hands the rest on.
   */
  private async dispatchFollowing(taskId: number, eventId: number): Promise<void> {
    let last = eventId;
    for (let i = 0; i < INLINE_SUCCESSORS; i++) {
      const next = await this.outbox.nextUndispatched(taskId, last).catch(() => null);
      if (next === null) return;
      const outcome = await this.dispatch(next).then(
        (result) => result.outcome,
        (error: unknown) => {
          this.logger.debug(`Event ${next}: left to its job: ${String(error)}`);
          return 'failed' as const;
        },
      );
      if (outcome !== 'done' && outcome !== 'already') break;
      last = next;
    }
    await this.promoteSuccessor(taskId, last);
  }

  /**
   * The task's next event may be waiting (delayed) for this one: it runs now rather than after
   * its delay. Best effort: if it is not delayed yet, or Redis fails, its delay still ends.
   */
  private async promoteSuccessor(taskId: number, eventId: number): Promise<void> {
    try {
      const next = await this.outbox.nextUndispatched(taskId, eventId);
      if (next === null) return;
      const successor = await this.jobs.getJob('events', taskEventJobId(next));
      if (successor && (await successor.isDelayed())) await successor.promote();
    } catch (error) {
      // Commonly a race (it was promoted or started meanwhile); its own delay covers the rest.
      this.logger.debug(`Event ${eventId}: successor not promoted: ${String(error)}`);
    }
  }
}

/** The wait before the `started`-th run (1 = the first) of an event tries again. */
export function orderingDelayMs(started: number): number {
  const doublings = Math.min(Math.max(started - 1, 0), 10);
  return Math.min(ORDERING_FIRST_DELAY_MS * 2 ** doublings, ORDERING_LONGEST_DELAY_MS);
}
