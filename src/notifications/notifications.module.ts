import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobsModule } from '../jobs/jobs.module';
import { MailModule } from '../mail/mail.module';
import { ProjectsModule } from '../projects/projects.module';
import { TasksModule } from '../tasks/tasks.module';
import { UsersModule } from '../users/users.module';
import { NotificationEmailListener } from './email/notification-email.listener';
import { NotificationCreatedListeners } from './notification-created-listeners';
import { NotificationEventsConsumer } from './notification-events.consumer';
import { Notification } from './notification.entity';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { ProjectAddedNotifier } from './project-added.notifier';
import { ReminderFireHandler } from './reminder-fire.handler';
import { ReminderSchedulerConsumer } from './reminder-scheduler.consumer';
import { NotificationSettings } from './settings/notification-settings.entity';
import { NotificationSettingsController } from './settings/notification-settings.controller';
import { NotificationSettingsRepository } from './settings/notification-settings.repository';
import { NotificationSettingsService } from './settings/notification-settings.service';
import { UnsubscribeController } from './settings/unsubscribe.controller';

/**
 * In-app notifications (`GET /notifications`) and due-date reminders: both react to committed
 * task events, and a fired reminder is itself a task event (`task.due_soon`). Being added to a
 * project notifies too (`project_added`, through ProjectAddedNotifier), and so do comments
 * (`mentioned`, `commented`: from `comment.created`, and an edit's new mentions). New notifications go to
 * every @NotificationCreatedListener: the notification email (email/) is one, governed by the
 * per-user switches and unsubscribe links of settings/.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Notification, NotificationSettings]),
    DiscoveryModule,
    JobsModule,
    MailModule,
    TasksModule,
    ProjectsModule,
    UsersModule,
  ],
  controllers: [NotificationsController, NotificationSettingsController, UnsubscribeController],
  providers: [
    NotificationsRepository,
    NotificationsService,
    NotificationCreatedListeners,
    NotificationEventsConsumer,
    ReminderSchedulerConsumer,
    ReminderFireHandler,
    ProjectAddedNotifier,
    NotificationSettingsRepository,
    NotificationSettingsService,
    NotificationEmailListener,
  ],
  // For the comments module: an edited comment's new mentions are told in its transaction.
  exports: [NotificationsService],
})
export class NotificationsModule {}
