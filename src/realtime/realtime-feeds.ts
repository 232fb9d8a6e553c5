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
  ProjectDeletionParticipant,
  ProjectDeletionParticipantInstance,
} from '../projects/project-deletion';
import { ProjectAccessService } from '../projects/project-access.service';
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

/** Items per append of a large announcement (one script call each; they need no order). */
const PUBLISH_CHUNK = 500;

/**
 * Every dispatched task event (any type: `task.*`, `comment.created`), appended to the stream
 * inside the dispatch transaction, before its commit. That is safe because the change the event
 * tells of committed long before (its outbox row is what is being dispatched), and it is what
 * makes a crash lose nothing: a worker killed after the append and before the commit leaves the
 * job to be run again (the stalled-job check), and the retry's append adds nothing (the outbox
 * id de-duplicates it); had the append waited for the commit, a kill in between would lose it.
 * The dispatcher hands a task's events over in order, each dispatched only once the previous
 * one has committed, so its announcement is in the stream already; the `after` check covers the
 * one whose append failed (Redis) and is being retried in the background.
 */
@Injectable()
// First in the dispatch: the append is what a user waits for, the other consumers' work is not.
@TaskEventConsumer({ first: true })
export class RealtimeTaskEventFeed implements TaskEventConsumerInstance {
  constructor(
    private readonly publisher: RealtimePublisher,
    private readonly events: TaskEventsService,
  ) {}

  async onTaskEvent(event: DispatchedTaskEvent, manager: EntityManager): Promise<void> {
    const entry = taskStreamEntry(event);
    if (!entry) return;
    const items: StreamItem[] = [{ dedupId: taskEventDedupId(event.id), entry }];
    // The previous event's dispatch has committed (the dispatcher orders them); its append, if
    // it failed, may be waiting for a retry: this one waits for it, unless it is old enough to
    // have gone out (or been given up) long ago.
    const previous = await this.events.previousOfTask(manager, event);
    const recent =
      previous?.dispatchedAt != null &&
      Date.now() - previous.dispatchedAt.getTime() < PREVIOUS_WAIT_WINDOW_MS;
    const after = recent ? taskEventDedupId(previous.id) : undefined;
    await this.publisher.publish(items, after);
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
    const items = notifications.map((row): StreamItem => ({
      dedupId: `notification-${row.id}`,
      entry: {
        kind: 'notification',
        user_id: row.userId,
        at: row.createdAt.getTime(),
        notification: toNotificationResponse({ ...row, readAt: null }),
      },
    }));
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

/**
 * A deleted project takes its tasks out of sight of everyone who saw them through it: each
 * member (every task) and each assignee outside the members (its tasks). Read in the deletion's
 * transaction before the tasks are retired (beforeProjectDeleted), announced after its commit,
 * one `task.hidden` per user and task, or one `resync` per user when the project holds more than
 * MAX_HIDDEN_PER_REMOVAL tasks (a deletion happens once, so the ids de-duplicate by themselves).
 * Like a member's removal, this is no task event: the tasks did not change, who sees them did.
 */
@Injectable()
@ProjectDeletionParticipant()
export class RealtimeProjectDeletionFeed implements ProjectDeletionParticipantInstance {
  constructor(
    private readonly tasks: TasksService,
    private readonly access: ProjectAccessService,
    private readonly publisher: RealtimePublisher,
  ) {}

  async beforeProjectDeleted(manager: EntityManager, projectId: number, now: Date): Promise<void> {
    const members = await this.access.memberIds(projectId, manager);
    const sight = await this.tasks.sightOfProject(manager, projectId, MAX_HIDDEN_PER_REMOVAL);
    const at = now.getTime();
    const key = `project-deleted-${projectId}`;
    const items: StreamItem[] = [];
    if (sight.overflow) {
      for (const userId of new Set([...members, ...sight.assignees])) {
        items.push({ dedupId: `${key}-${userId}`, entry: { kind: 'resync', user_id: userId, at } });
      }
    } else {
      const hide = (userId: number, taskId: number): void => {
        items.push({
          dedupId: `${key}-${userId}-${taskId}`,
          entry: { kind: 'hidden', user_id: userId, task_id: taskId, at },
        });
      };
      const memberSet = new Set(members);
      for (const task of sight.tasks) {
        for (const userId of members) hide(userId, task.id);
        if (task.assigneeId !== null && !memberSet.has(task.assigneeId)) {
          hide(task.assigneeId, task.id);
        }
      }
    }
    if (items.length === 0) return;
    afterCommit(manager, async () => {
      for (let i = 0; i < items.length; i += PUBLISH_CHUNK) {
        await this.publisher.publish(items.slice(i, i + PUBLISH_CHUNK));
      }
    });
  }
}
