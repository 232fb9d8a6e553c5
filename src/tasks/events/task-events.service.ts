import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { EntityManager } from 'typeorm';
import { afterCommit } from '../../common/database/after-commit';
import { OutboxWakeups } from '../../jobs/outbox-wakeups';
import { TASK_EVENTS_OUTBOX } from './outbox-relay.service';
import { TaskEvent } from './task-event';
import { OutboxRepository } from './outbox.repository';
import type { DispatchedTaskEvent } from './task-event-consumer';
import { TASK_EVENT_RECORDER_KEY, TaskEventRecorderInstance } from './task-event-recorder';

/**
 * The one seam through which task changes leave the tasks module. TasksService calls it inside
 * the transaction of the change, with that transaction's manager, so an event is recorded if
 * and only if its change commits; OutboxRelayService publishes the rows once committed (the
 * reminder job records `task.due_soon`, the comments module `comment.created`, the same way).
 * The @TaskEventRecorder providers of other modules (the activity history) write their rows in
 * that same transaction, so they are never lost nor written for a change that rolled back.
 * Once that transaction commits, the relay is nudged so the events leave within milliseconds
 * rather than at its next poll (real-time latency, issue 14); never before the commit.
 */
@Injectable()
export class TaskEventsService implements OnModuleInit {
  private recorders: TaskEventRecorderInstance[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly outbox: OutboxRepository,
    private readonly wakeups: OutboxWakeups,
  ) {}

  onModuleInit(): void {
    this.recorders = this.discovery
      .getProviders()
      .filter(
        (wrapper) =>
          wrapper.metatype && Reflect.getMetadata(TASK_EVENT_RECORDER_KEY, wrapper.metatype),
      )
      .map((wrapper) => wrapper.instance as TaskEventRecorderInstance);
  }

  async record(manager: EntityManager, events: readonly TaskEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.outbox.insert(manager, events);
    for (const recorder of this.recorders) await recorder.onTaskEventsRecorded(manager, events);
    afterCommit(manager, () => this.wakeups.nudge(TASK_EVENTS_OUTBOX));
  }

  /**
   * For a consumer inside a dispatch: the task's previous event and when its dispatch committed
   * (null: none), so an announcement made after this commit can wait until the previous one's
   * has gone out (the real-time stream keeps each task's events in commit order).
   */
  previousOfTask(
    manager: EntityManager,
    event: DispatchedTaskEvent,
  ): Promise<{ id: number; dispatchedAt: Date | null } | null> {
    return this.outbox.previousOfTask(manager, event);
  }
}
