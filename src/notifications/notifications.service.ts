import { Injectable } from '@nestjs/common';
import { NotificationResponseDto, toNotificationResponse } from './dto/notification-response.dto';
import { NotificationNotFoundError } from './notification.errors';
import { NotificationsRepository } from './notifications.repository';

/** The newest notifications a listing answers; older ones are kept but not listed. */
export const NOTIFICATIONS_LIST_LIMIT = 100;

@Injectable()
export class NotificationsService {
  constructor(private readonly notifications: NotificationsRepository) {}

  async list(userId: number, unreadOnly: boolean): Promise<NotificationResponseDto[]> {
    const rows = await this.notifications.listForUser(userId, unreadOnly, NOTIFICATIONS_LIST_LIMIT);
    return rows.map(toNotificationResponse);
  }

  /** Idempotent: marking a read notification again keeps its first read time. */
  async markRead(userId: number, id: number): Promise<void> {
    const found = await this.notifications.markReadForUser(userId, id, new Date());
    if (!found) throw new NotificationNotFoundError();
  }
}
