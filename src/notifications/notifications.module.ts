import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobsModule } from '../jobs/jobs.module';
import { ProjectsModule } from '../projects/projects.module';
import { TasksModule } from '../tasks/tasks.module';
import { NotificationCreatedListeners } from './notification-created-listener';
import { NotificationEventsConsumer } from './notification-events.consumer';
import { Notification } from './notification.entity';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { ProjectAddedNotifier } from './project-added.notifier';
import { ReminderFireHandler } from './reminder-fire.handler';
import { ReminderSchedulerConsumer } from './reminder-scheduler.consumer';

/**
 * In-app notifications (`GET /notifications`) and due-date reminders: both react to committed
 * task events, and a fired reminder is itself a task event (`task.due_soon`). Being added to a
 * project notifies too (`project_added`, through ProjectAddedNotifier), and so do comments
 * (`mentioned`, `commented`: from `comment.created`, and an edit's new mentions).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Notification]),
    JobsModule,
    TasksModule,
    ProjectsModule,
    DiscoveryModule,
  ],
  controllers: [NotificationsController],
  providers: [
    NotificationsRepository,
    NotificationsService,
    NotificationCreatedListeners,
    NotificationEventsConsumer,
    ReminderSchedulerConsumer,
    ReminderFireHandler,
    ProjectAddedNotifier,
  ],
  // For the comments module: an edited comment's new mentions are told in its transaction.
  exports: [NotificationsService],
})
export class NotificationsModule {}
