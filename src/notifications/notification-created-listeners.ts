import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import {
  CreatedNotification,
  NOTIFICATION_CREATED_LISTENER_KEY,
  NotificationCreatedListenerInstance,
} from './notification-created-listener';

/** Runs every @NotificationCreatedListener on notifications just created. */
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

  async created(
    notifications: readonly CreatedNotification[],
    manager: EntityManager,
  ): Promise<void> {
    if (notifications.length === 0) return;
    for (const listener of this.listeners) {
      await listener.onNotificationsCreated(notifications, manager);
    }
  }
}
