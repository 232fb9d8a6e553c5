import { SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TaskEvent } from './task-event';

export const TASK_EVENT_CONSUMER_KEY = 'tasks:event-consumer';

export interface TaskEventConsumerOptions {
  /**
   * Run before the consumers without it (in discovery order otherwise): for the one whose
   * effect a person is waiting for (the real-time append), which should not wait for the
   * others' queries in the same dispatch.
   */
  first?: boolean;
}

/**
 * Marks a provider of another module that reacts to committed task events (see
 * TaskEventDispatcher): the tasks module finds its consumers instead of importing them.
 */
export const TaskEventConsumer = (options: TaskEventConsumerOptions = {}): ClassDecorator =>
  SetMetadata(TASK_EVENT_CONSUMER_KEY, { first: options.first ?? false });

/** A task event as stored in the outbox, handed to consumers in order per task. */
export type DispatchedTaskEvent = TaskEvent & {
  /** The outbox row id: unique, increasing; consumers key their idempotency on it. */
  id: number;
};

export interface TaskEventConsumerInstance {
  /**
   * Handles one event inside the dispatch transaction. It must be idempotent: an event can be
   * delivered again after a crash, and a repeat must not produce a second effect. Jobs it
   * enqueues need deterministic ids for the same reason.
   */
  onTaskEvent(event: DispatchedTaskEvent, manager: EntityManager): Promise<void>;
}
