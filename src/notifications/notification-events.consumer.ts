import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  DispatchedTaskEvent,
  TaskEventConsumer,
  TaskEventConsumerInstance,
} from '../tasks/events/task-event-consumer';
import type { NotificationType } from './dto/notification-response.dto';
import { ProjectAccessService } from '../projects/project-access.service';
import type { NewNotification } from './notifications.repository';
import { NotificationsService } from './notifications.service';

/** Titles are up to 200 characters; the message column holds 500. */
function quoted(title: string): string {
  return `"${title}"`;
}

/**
 * Turns task events into notifications: `task.assigned` notifies the new assignee (unless it
 * assigned itself) with `assigned`, `task.due_soon` the owner and the assignee with `due_soon`. The rows are keyed on the event
 * id, so a redelivered event inserts nothing new.
 */
@Injectable()
@TaskEventConsumer()
export class NotificationEventsConsumer implements TaskEventConsumerInstance {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly projects: ProjectAccessService,
  ) {}

  async onTaskEvent(event: DispatchedTaskEvent, manager: EntityManager): Promise<void> {
    const task = event.after;
    // Only users who can see the task when it is dispatched are told: a member of its project
    // or its assignee (a creator who left the project no longer hears of it).
    const members = task ? new Set(await this.projects.memberIds(task.project_id, manager)) : null;
    const rows = this.notificationsOf(event).filter(
      (row) => members?.has(row.userId) || row.userId === task?.assignee_id,
    );
    await this.notifications.createForTasks(manager, rows, new Date());
  }

  private notificationsOf(event: DispatchedTaskEvent): NewNotification[] {
    const task = event.after;
    if (task === null) return [];
    const base = { taskId: event.taskId, eventId: event.id };
    switch (event.type) {
      case 'task.assigned': {
        // Nobody needs to be told about an assignment they made to themselves.
        if (task.assignee_id === null || task.assignee_id === event.actorId) return [];
        const type: NotificationType = 'assigned';
        return [
          {
            ...base,
            type,
            userId: task.assignee_id,
            message: `You were assigned the task ${quoted(task.title)}`,
          },
        ];
      }
      case 'task.due_soon': {
        const type: NotificationType = 'due_soon';
        const message = `The task ${quoted(task.title)} is due at ${task.due_date ?? 'its due date'}`;
        const users = new Set([
          task.user_id,
          ...(task.assignee_id === null ? [] : [task.assignee_id]),
        ]);
        return [...users].map((userId) => ({ ...base, type, userId, message }));
      }
      default:
        return [];
    }
  }
}
