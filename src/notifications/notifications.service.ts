import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ProjectMemberAdded } from '../projects/project-member-listener';
import type { TaskResponseDto } from '../tasks/dto/task-response.dto';
import {
  NotificationResponseDto,
  NotificationType,
  toNotificationResponse,
} from './dto/notification-response.dto';
import { notificationMessages } from './notification-messages';
import { NotificationCreatedListeners } from './notification-created-listeners';
import { NotificationNotFoundError } from './notification.errors';
import { NewNotification, NotificationsRepository } from './notifications.repository';

/** The newest notifications a listing answers; older ones are kept but not listed. */
export const NOTIFICATIONS_LIST_LIMIT = 100;

@Injectable()
export class NotificationsService {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly listeners: NotificationCreatedListeners,
  ) {}

  /**
   * The one way task notifications are created: inserted in the caller's transaction (one per
   * user, event and type; a repeat is skipped), then handed to every
   * @NotificationCreatedListener in the same transaction.
   */
  async createForTasks(
    manager: EntityManager,
    rows: readonly NewNotification[],
    now: Date,
  ): Promise<void> {
    if (rows.length === 0) return;
    const created = await this.notifications.insertIgnoringDuplicates(manager, rows, now);
    await this.listeners.created(created, manager);
  }

  async list(userId: number, unreadOnly: boolean): Promise<NotificationResponseDto[]> {
    const rows = await this.notifications.listForUser(userId, unreadOnly, NOTIFICATIONS_LIST_LIMIT);
    return rows.map(toNotificationResponse);
  }

  /** Idempotent: marking a read notification again keeps its first read time. */
  async markRead(userId: number, id: number): Promise<void> {
    const found = await this.notifications.markReadForUser(userId, id, new Date());
    if (!found) throw new NotificationNotFoundError();
  }

  /**
   * `mentioned` for users an edited comment mentions for the first time, inside the edit's
   * transaction (a new comment's mentions go through its `comment.created` event instead).
   * The caller has left out the author and the users mentioned before.
   */
  async notifyMentioned(
    manager: EntityManager,
    mention: { userIds: readonly number[]; task: TaskResponseDto; authorName: string; at: Date },
  ): Promise<void> {
    const type: NotificationType = 'mentioned';
    const message = notificationMessages.mentioned(mention.authorName, mention.task.title);
    const created = await this.notifications.insertForTask(
      manager,
      mention.userIds.map((userId) => ({ userId, type, taskId: mention.task.id, message })),
      mention.at,
    );
    await this.listeners.created(created, manager);
  }

  /** `project_added` for the new member, inside the membership transaction. */
  async notifyProjectAdded(manager: EntityManager, event: ProjectMemberAdded): Promise<void> {
    const type: NotificationType = 'project_added';
    const created = await this.notifications.insertForProject(
      manager,
      {
        userId: event.userId,
        type,
        projectId: event.projectId,
        message: `You were added to the project "${event.projectName}" as ${event.role}`,
      },
      event.at,
    );
    await this.listeners.created([created], manager);
  }
}
