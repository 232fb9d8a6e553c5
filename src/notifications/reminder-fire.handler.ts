import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { JobHandler, JobHandlerInstance, PermanentJobError } from '../jobs/job-handler';
import { TaskEventsService } from '../tasks/events/task-events.service';
import { TasksService } from '../tasks/tasks.service';

export interface ReminderFirePayload {
  taskId: number;
  /** The due date the reminder was scheduled for (ISO 8601). */
  dueAt: string;
}

declare module '../jobs/job-registry' {
  interface JobPayloads {
    /** Fire a task's due-date reminder (`task.due_soon`) unless the task changed since. */
    'reminders.fire': ReminderFirePayload;
  }
}

type FireOutcome = 'fired' | 'stale' | 'already-fired';

/**
 * Fires a task's reminder: records a `task.due_soon` event, which the outbox carries to the
 * notification and webhook consumers. The job may be stale (the task was changed, completed or
 * deleted after it was queued, and removing it raced with its start): the task is re-read and
 * nothing fires unless it still is due at the job's due date.
 */
@Injectable()
@JobHandler('reminders.fire')
export class ReminderFireHandler implements JobHandlerInstance<'reminders.fire'> {
  private readonly logger = new Logger(ReminderFireHandler.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly taskEvents: TaskEventsService,
    private readonly tasks: TasksService,
  ) {}

  async handle(job: Job<ReminderFirePayload>): Promise<{ outcome: FireOutcome }> {
    const { taskId } = job.data;
    const dueAt = new Date(job.data.dueAt);
    if (!Number.isInteger(taskId) || Number.isNaN(dueAt.getTime())) {
      throw new PermanentJobError(`invalid reminder payload ${JSON.stringify(job.data)}`);
    }
    // One transaction: the task row lock orders this after any concurrent change of the task,
    // and the task_reminders row commits with the event, so a retried or duplicated job can
    // never record a second task.due_soon for the same due date.
    const outcome = await this.dataSource.transaction((manager) =>
      this.fire(manager, taskId, dueAt),
    );
    this.logger.log(`Reminder ${job.id} for task ${taskId}: ${outcome}`);
    return { outcome };
  }

  private async fire(manager: EntityManager, taskId: number, dueAt: Date): Promise<FireOutcome> {
    const task = await this.tasks.lockLive(manager, taskId);
    if (!task || task.status === 'completed' || task.due_date !== dueAt.toISOString()) {
      return 'stale';
    }
    const claimed = await manager.query<{ affectedRows: number }>(
      'INSERT IGNORE INTO task_reminders (task_id, due_at, fired_at) VALUES (?, ?, ?)',
      [taskId, dueAt, new Date()],
    );
    if (claimed.affectedRows === 0) return 'already-fired';
    await this.taskEvents.record(manager, [
      {
        type: 'task.due_soon',
        taskId,
        // No user acted; the creator is recorded as the actor (actor_id is required).
        actorId: task.user_id,
        occurredAt: new Date(),
        before: task,
        after: task,
      },
    ]);
    return 'fired';
  }
}
