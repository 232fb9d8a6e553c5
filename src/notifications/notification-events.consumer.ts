import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  DispatchedTaskEvent,
  TaskEventConsumer,
  TaskEventConsumerInstance,
} from '../tasks/events/task-event-consumer';
import type { NotificationType } from './dto/notification-response.dto';
import { ProjectAccessService } from '../projects/project-access.service';
import { notificationMessages } from './notification-messages';
import type { NewNotification } from './notifications.repository';
import { NotificationsService } from './notifications.service';

/**
 * Turns task events into notifications: `task.assigned` notifies the new assignee (unless it
 * assigned itself) with `assigned`, `task.due_soon` the owner and the assignee with `due_soon`,
 * `comment.created` the users the comment mentions with `mentioned` and the task's creator and
 * assignee (those not mentioned) with `commented`, never the comment's author. The rows are
 * keyed on the event id, so a redelivered event inserts nothing new.
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
    const candidates = this.notificationsOf(event);
    // Most events tell nobody (task.created, task.updated, task.completed, task.deleted; an
    // assignment is its own task.assigned event): they read no members.
    if (task === null || candidates.length === 0) return;
    // Only users who can see the task when it is dispatched are told: a member of its project
    // or its assignee (a creator who left the project no longer hears of it). The members come
    // from the shared access cache, as for webhooks and the real-time fan-out.
    const members = await this.projects.cachedMemberIds(task.project_id);
    const rows = candidates.filter(
      (row) => members?.has(row.userId) === true || row.userId === task.assignee_id,
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
            message: notificationMessages.assigned(task.title),
          },
        ];
      }
      case 'task.due_soon': {
        const type: NotificationType = 'due_soon';
        const message = notificationMessages.dueSoon(task.title, task.due_date);
        const users = new Set([
          task.user_id,
          ...(task.assignee_id === null ? [] : [task.assignee_id]),
        ]);
        return [...users].map((userId) => ({ ...base, type, userId, message }));
      }
      case 'comment.created': {
        const comment = event.comment;
        if (!comment) return [];
        const author = comment.author.username;
        // The author is never told of its own comment; a mentioned user gets `mentioned` only.
        const mentioned = comment.mentions.filter((id) => id !== event.actorId);
        const commented = [task.user_id, task.assignee_id].filter(
          (id): id is number =>
            id !== null && id !== event.actorId && !comment.mentions.includes(id),
        );
        const mentionedType: NotificationType = 'mentioned';
        const commentedType: NotificationType = 'commented';
        return [
          ...mentioned.map((userId) => ({
            ...base,
            type: mentionedType,
            userId,
            message: notificationMessages.mentioned(author, task.title),
          })),
          ...[...new Set(commented)].map((userId) => ({
            ...base,
            type: commentedType,
            userId,
            message: notificationMessages.commented(author, task.title),
          })),
        ];
      }
      default:
        return [];
    }
  }
}
