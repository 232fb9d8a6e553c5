import { Injectable, OnModuleInit, SetMetadata } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import type { Notification } from './notification.entity';

export const NOTIFICATION_CREATED_LISTENER_KEY = 'notifications:created-listener';

/**
 * Marks a provider of another module that reacts to new notifications (the realtime module:
 * `notification.created` to the user's sockets). Found with Nest's DiscoveryService, so this
 * module imports none of its listeners.
 */
export const NotificationCreatedListener = (): ClassDecorator =>
  SetMetadata(NOTIFICATION_CREATED_LISTENER_KEY, true);

export interface NotificationCreatedListenerInstance {
  /**
   * Runs inside the transaction that created the notifications (a task event's dispatch, or a
   * membership change): a throw rolls it back. Anything a listener announces outside the
   * database must wait for the commit (see afterCommit).
   */
  onNotificationsCreated(
    manager: EntityManager,
    notifications: readonly Notification[],
  ): Promise<void>;
}

/** Hands every batch of created notifications to the marked listeners, in the caller's transaction. */
@Injectable()
export class NotificationCreatedListeners implements OnModuleInit {
  private listeners: NotificationCreatedListenerInstance[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.listeners = this.discovery
      .getProviders()
      .filter(
        (wrapper) =>
          wrapper.metatype &&
          Reflect.getMetadata(NOTIFICATION_CREATED_LISTENER_KEY, wrapper.metatype),
      )
      .map((wrapper) => wrapper.instance as NotificationCreatedListenerInstance);
  }

  async created(manager: EntityManager, notifications: readonly Notification[]): Promise<void> {
    if (notifications.length === 0) return;
    for (const listener of this.listeners) {
      await listener.onNotificationsCreated(manager, notifications);
    }
  }
}
