import { SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TaskEvent } from './task-event';

export const TASK_EVENT_RECORDER_KEY = 'tasks:event-recorder';

/**
 * Marks a provider of another module that writes its own rows from task events inside the
 * transaction of the change (the activity history): TaskEventsService finds its recorders
 * instead of importing them, so the tasks module depends on none of them.
 */
export const TaskEventRecorder = (): ClassDecorator => SetMetadata(TASK_EVENT_RECORDER_KEY, true);

export interface TaskEventRecorderInstance {
  /**
   * Called by TaskEventsService.record with the events of one write (one task, one actor; an
   * update may be several events: task.updated, task.assigned, task.completed), inside the
   * write's transaction. Its rows commit or roll back with the change; a throw rolls the change
   * back, so a recorder must only fail when the change must not happen without its row.
   */
  onTaskEventsRecorded(manager: EntityManager, events: readonly TaskEvent[]): Promise<void>;
}
