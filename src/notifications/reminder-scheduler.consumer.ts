import { Injectable } from '@nestjs/common';
import { AppConfigType, InjectAppConfig } from '../config/app-config';
import { JobsService } from '../jobs/jobs.service';
import {
  DispatchedTaskEvent,
  TaskEventConsumer,
  TaskEventConsumerInstance,
} from '../tasks/events/task-event-consumer';
import type { TaskEventType } from '../tasks/events/task-event';
import { reminderChange } from './reminder-schedule';

/**
 * The events whose after-state can change a task's reminder. `task.assigned` always comes with
 * the `task.updated` or `task.created` of the same write, and `task.due_soon` changes nothing.
 */
const SCHEDULING_EVENTS: ReadonlySet<TaskEventType> = new Set([
  'task.created',
  'task.updated',
  'task.completed',
  'task.deleted',
]);

/**
 * Keeps exactly one delayed `reminders.fire` job per task, matching its current due date and
 * status. Events of a task arrive in order, each with the state before and after, so removing
 * the before-state's job and adding the after-state's one keeps the queue in step. Job ids are
 * deterministic (a redelivered event changes nothing), and the fire handler re-reads the task,
 * so a job this misses removing (it was running) fires nothing for a changed task.
 */
@Injectable()
@TaskEventConsumer()
export class ReminderSchedulerConsumer implements TaskEventConsumerInstance {
  constructor(
    private readonly jobs: JobsService,
    @InjectAppConfig() private readonly config: AppConfigType,
  ) {}

  async onTaskEvent(event: DispatchedTaskEvent): Promise<void> {
    if (!SCHEDULING_EVENTS.has(event.type)) return;
    const change = reminderChange(
      event.before,
      event.after,
      this.config.reminderLeadMs,
      Date.now(),
    );
    // A queue failure throws, so the dispatch transaction rolls back and the event is retried.
    if (change.remove !== null) await this.jobs.remove('reminders.fire', change.remove);
    if (change.add !== null) {
      await this.jobs.enqueue(
        'reminders.fire',
        { taskId: event.taskId, dueAt: new Date(change.add.dueAtMs).toISOString() },
        { jobId: change.add.jobId, delay: change.add.delayMs },
      );
    }
  }
}
