import { SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { NotificationType } from './dto/notification-response.dto';

export const NOTIFICATION_CREATED_LISTENER_KEY = 'notifications:created-listener';

/** A notification just inserted (not one a redelivered event found already there). */
export interface CreatedNotification {
  id: number;
  userId: number;
  type: NotificationType;
  /** The task it is about; null for a notification about a project. */
  taskId: number | null;
  /** The project of a `project_added` notification; null otherwise. */
  projectId: number | null;
  /** The task event it came from, if any. */
  eventId: number | null;
  message: string;
  createdAt: Date;
}

/**
 * Marks a provider that reacts to new notifications inside the transaction that creates them
 * (the task event dispatch, a membership change): the notification email, the WebSocket push.
 * Found with Nest's DiscoveryService (NotificationCreatedListeners), so the notifications
 * module needs to know none of them.
 */
export const NotificationCreatedListener = (): ClassDecorator =>
  SetMetadata(NOTIFICATION_CREATED_LISTENER_KEY, true);

export interface NotificationCreatedListenerInstance {
  /**
   * Runs inside the creating transaction (a throw rolls the notifications back, and the event
   * is retried). Whatever must happen only once the notifications are committed belongs in an
   * outbox row written with `manager` (as the notification email does).
   */
  onNotificationsCreated(
    notifications: readonly CreatedNotification[],
    manager: EntityManager,
  ): Promise<void>;
}
