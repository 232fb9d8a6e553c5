import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TaskEvent } from '../tasks/events/task-event';
import { TaskEventRecorder, TaskEventRecorderInstance } from '../tasks/events/task-event-recorder';
import { TasksService } from '../tasks/tasks.service';
import { ActivityService } from './activity.service';
import { activityEntryOf, deletedTaskOf } from './domain/activity-entry';

/**
 * Turns the events of each task write (and each comment) into one activity entry, inside the
 * write's transaction: an entry exists if and only if its change committed, once. A deletion
 * writes no entry (the contract has no such type, and the task's feed answers 404 afterwards);
 * it takes the task's entries out of the project feed. Reminders (task.due_soon) are no change.
 */
@Injectable()
@TaskEventRecorder()
export class ActivityRecorder implements TaskEventRecorderInstance {
  constructor(
    private readonly activity: ActivityService,
    private readonly tasks: TasksService,
  ) {}

  async onTaskEventsRecorded(manager: EntityManager, events: readonly TaskEvent[]): Promise<void> {
    const deleted = deletedTaskOf(events);
    if (deleted !== null) {
      await this.activity.taskDeleted(manager, deleted);
      return;
    }
    const entry = activityEntryOf(events, await this.projectOfBareComment(manager, events));
    if (entry) await this.activity.record(manager, entry);
  }

  /**
   * The project of a comment event that carries no task version, read in the comment's
   * transaction (which has locked the task already, as every write on a task does).
   */
  private async projectOfBareComment(
    manager: EntityManager,
    events: readonly TaskEvent[],
  ): Promise<number | undefined> {
    const bare = events.find(
      (event) => (event.type as string) === 'comment.created' && !event.after && !event.before,
    );
    if (!bare) return undefined;
    return (await this.tasks.lockLive(manager, bare.taskId))?.project_id;
  }
}
