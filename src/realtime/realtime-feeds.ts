import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { afterCommit } from '../common/database/after-commit';
import { toNotificationResponse } from '../notifications/dto/notification-response.dto';
import {
  CreatedNotification,
  NotificationCreatedListener,
  NotificationCreatedListenerInstance,
} from '../notifications/notification-created-listener';
import {
  ProjectMemberListener,
  ProjectMemberListenerInstance,
  ProjectMemberRemoved,
} from '../projects/project-member-listener';
import {
  DispatchedTaskEvent,
  TaskEventConsumer,
  TaskEventConsumerInstance,
} from '../tasks/events/task-event-consumer';
import { TaskEventsService } from '../tasks/events/task-events.service';
import { TasksService } from '../tasks/tasks.service';
import type { StreamItem } from './event-stream';
import { RealtimePublisher } from './realtime-publisher';
import { taskStreamEntry } from './stream-entry';

/**
 * Past this many tasks a removed member is told to resync instead of receiving one
 * `task.hidden` per task.
 */
export const MAX_HIDDEN_PER_REMOVAL = 500;

/** A previous event dispatched longer ago than this is not waited for (its fate is settled). */
const PREVIOUS_WAIT_WINDOW_MS = 60_000;

const taskEventDedupId = (outboxId: number): string => `task-event-${outboxId}`;

/**
 * Every dispatched task event (any type: `task.*`, and `comment.created` once it exists),
 * announced after the dispatch transaction commits. The dispatcher hands a task's events over
 * in order, and each announcement waits for the previous one of its task, so the stream holds
 * each task's events in commit order; the outbox id de-duplicates a redelivery.
 */
@Injectable()
@TaskEventConsumer()
export class RealtimeTaskEventFeed implements TaskEventConsumerInstance {
  constructor(
    private readonly publisher: RealtimePublisher,
    private readonly events: TaskEventsService,
  ) {}

  async onTaskEvent(event: DispatchedTaskEvent, manager: EntityManager): Promise<void> {
    const entry = taskStreamEntry(event);
    if (!entry) return;
    const items: StreamItem[] = [{ dedupId: taskEventDedupId(event.id), entry }];
    // The previous event's dispatch has committed (the dispatcher orders them), but its
    // announcement, made after that commit by whichever worker ran it, may still be on its
    // way: this one waits for it, unless it is old enough to have gone out (or failed) long ago.
    const previous = await this.events.previousOfTask(manager, event);
    const recent =
      previous?.dispatchedAt != null &&
      Date.now() - previous.dispatchedAt.getTime() < PREVIOUS_WAIT_WINDOW_MS;
    const after = recent ? taskEventDedupId(previous.id) : undefined;
    afterCommit(manager, () => this.publisher.publish(items, after));
  }
}

/** `notification.created` for the user's own new notifications, after their commit. */
@Injectable()
@NotificationCreatedListener()
export class RealtimeNotificationFeed implements NotificationCreatedListenerInstance {
  constructor(private readonly publisher: RealtimePublisher) {}

  onNotificationsCreated(
    notifications: readonly CreatedNotification[],
    manager: EntityManager,
  ): Promise<void> {
    const items = notifications.map(
      (row): StreamItem => ({
        dedupId: `notification-${row.id}`,
        entry: {
          kind: 'notification',
          user_id: row.userId,
          at: row.createdAt.getTime(),
          notification: toNotificationResponse({ ...row, readAt: null }),
        },
      }),
    );
    afterCommit(manager, () => this.publisher.publish(items));
    return Promise.resolve();
  }
}

/**
 * A member removed from a project (or leaving it) loses sight of the project's tasks that are
 * not assigned to it: one `task.hidden` each, after the removal commits (a `resync` when there
 * are too many to tell one by one).
 */
@Injectable()
@ProjectMemberListener()
export class RealtimeMembershipFeed implements ProjectMemberListenerInstance {
  constructor(
    private readonly tasks: TasksService,
    private readonly publisher: RealtimePublisher,
  ) {}

  async onMemberRemoved(manager: EntityManager, event: ProjectMemberRemoved): Promise<void> {
    const ids = await this.tasks.idsSeenOnlyAsMember(
      manager,
      event.projectId,
      event.userId,
      MAX_HIDDEN_PER_REMOVAL + 1,
    );
    if (ids.length === 0) return;
    // No natural id: one per removal, fixed before the first try so retries de-duplicate.
    const removal = randomUUID();
    const at = event.at.getTime();
    const items: StreamItem[] =
      ids.length > MAX_HIDDEN_PER_REMOVAL
        ? [{ dedupId: `removal-${removal}`, entry: { kind: 'resync', user_id: event.userId, at } }]
        : ids.map((taskId) => ({
            dedupId: `removal-${removal}-${taskId}`,
            entry: { kind: 'hidden', user_id: event.userId, task_id: taskId, at },
          }));
    afterCommit(manager, () => this.publisher.publish(items));
  }
}
