import { SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TaskResponseDto } from '../tasks/dto/task-response.dto';
import type { TaskEventType } from '../tasks/events/task-event';

export const TASK_EVENT_CONSUMER_KEY = 'jobs:task-event-consumer';

/** Marks a provider that reacts to committed task events (see TaskEventDispatcher). */
export const TaskEventConsumer = (): ClassDecorator => SetMetadata(TASK_EVENT_CONSUMER_KEY, true);

/** A task event as stored in the outbox, handed to consumers in order per task. */
export interface DispatchedTaskEvent {
  /** The outbox row id: unique, increasing; consumers key their idempotency on it. */
  id: number;
  type: TaskEventType;
  taskId: number;
  actorId: number;
  occurredAt: Date;
  before: TaskResponseDto | null;
  after: TaskResponseDto | null;
}

export interface TaskEventConsumerInstance {
  /**
   * Handles one event inside the dispatch transaction. It must be idempotent: an event can be
   * delivered again after a crash, and a repeat must not produce a second effect. Jobs it
   * enqueues need deterministic ids for the same reason.
   */
  onTaskEvent(event: DispatchedTaskEvent, manager: EntityManager): Promise<void>;
}
