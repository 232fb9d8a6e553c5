import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfigType, InjectAppConfig } from '../../config/app-config';
import { MailService } from '../../mail/mail.service';
import { TasksService } from '../../tasks/tasks.service';
import { UsersService } from '../../users/users.service';
import {
  CreatedNotification,
  NotificationCreatedListener,
  NotificationCreatedListenerInstance,
} from '../notification-created-listener';
import { EMAIL_SETTING_OF, isEmailed } from '../settings/email-settings';
import { NotificationSettingsService } from '../settings/notification-settings.service';
import { renderNotificationEmail, taskUrl } from './notification-email';

/**
 * Emails new notifications of the emailed types (assigned, mentioned, commented, due_soon) to
 * users whose switch for that type is on. The email is queued in the transaction that creates
 * the notification (MailService.queue writes an outbox row), so it goes out if and only if the
 * notification commits, even when Redis is down at that moment; keyed on the notification id,
 * so one notification never makes two emails. The title is the task's as it is now (the email
 * is rendered here, once); a task deleted meanwhile gets no email.
 */
@Injectable()
@NotificationCreatedListener()
export class NotificationEmailListener implements NotificationCreatedListenerInstance {
  private readonly publicAppUrl: string;

  constructor(
    private readonly mail: MailService,
    private readonly settings: NotificationSettingsService,
    private readonly users: UsersService,
    private readonly tasks: TasksService,
    @InjectAppConfig() config: AppConfigType,
  ) {
    this.publicAppUrl = config.mail.publicAppUrl;
  }

  async onNotificationsCreated(
    notifications: readonly CreatedNotification[],
    manager: EntityManager,
  ): Promise<void> {
    if (!this.mail.enabled) return;
    const emailed = notifications.filter((n) => isEmailed(n.type) && n.taskId !== null);
    if (emailed.length === 0) return;
    const settings = await this.settings.forUsers(
      manager,
      emailed.map((n) => n.userId),
    );
    const wanted = emailed.filter((n) => {
      const setting = EMAIL_SETTING_OF[n.type];
      return setting !== null && settings.get(n.userId)?.[setting] === true;
    });
    if (wanted.length === 0) return;
    const contacts = await this.users.contactsByIds(
      manager,
      wanted.map((n) => n.userId),
    );
    const tasks = await this.tasks.liveByIds(
      manager,
      wanted.map((n) => n.taskId as number),
    );
    for (const notification of wanted) {
      const contact = contacts.get(notification.userId);
      const task = tasks.get(notification.taskId as number);
      if (!contact || !task || !isEmailed(notification.type)) continue;
      await this.mail.queue(manager, {
        kind: notification.type,
        sourceId: String(notification.id),
        recipient: contact.email,
        content: renderNotificationEmail({
          type: notification.type,
          recipientName: contact.username,
          message: notification.message,
          task,
          taskUrl: taskUrl(this.publicAppUrl, task.id),
          unsubscribeUrl: this.settings.unsubscribeUrl({
            userId: notification.userId,
            type: notification.type,
          }),
        }),
      });
    }
  }
}
