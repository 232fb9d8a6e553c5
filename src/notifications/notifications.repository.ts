import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { Notification } from './notification.entity';

/** A notification to write: one per user, event and type. */
export interface NewNotification {
  userId: number;
  type: string;
  taskId: number;
  eventId: number;
  message: string;
}

/** A notification about a project rather than a task (no task, no event). */
export interface NewProjectNotification {
  userId: number;
  type: string;
  projectId: number;
  message: string;
}

/** Notifications, always scoped by their user. */
@Injectable()
export class NotificationsRepository {
  constructor(
    @InjectRepository(Notification) private readonly notifications: Repository<Notification>,
  ) {}

  /** The user's newest notifications first (by id, which grows with creation). */
  listForUser(userId: number, unreadOnly: boolean, limit: number): Promise<Notification[]> {
    return this.notifications.find({
      where: unreadOnly ? { userId, readAt: IsNull() } : { userId },
      order: { id: 'DESC' },
      take: limit,
    });
  }

  /**
   * Marks the user's notification read, keeping the first read time. False when the user has
   * no notification with that id.
   */
  async markReadForUser(userId: number, id: number, now: Date): Promise<boolean> {
    const result = await this.notifications
      .createQueryBuilder()
      .update()
      .set({ readAt: now })
      .where('id = :id AND user_id = :userId AND read_at IS NULL', { id, userId })
      .execute();
    if ((result.affected ?? 0) > 0) return true;
    return this.notifications.exists({ where: { id, userId } });
  }

  /**
   * Inserts inside the caller's transaction; a row that exists already (same user, event and
   * type: a redelivered event) is skipped by the unique key instead of failing. Answers the
   * rows (read back in the same transaction: INSERT IGNORE reports no ids).
   */
  async insertIgnoringDuplicates(
    manager: EntityManager,
    rows: readonly NewNotification[],
    now: Date,
  ): Promise<Notification[]> {
    if (rows.length === 0) return [];
    await manager.query(
      'INSERT IGNORE INTO notifications (user_id, type, task_id, event_id, message, read_at, created_at) VALUES ?',
      [rows.map((row) => [row.userId, row.type, row.taskId, row.eventId, row.message, null, now])],
    );
    // A row of an earlier run exists only if that run committed, and then its event is marked
    // dispatched and never handed to the consumers again: what is found here was written now.
    return manager.find(Notification, {
      where: rows.map((row) => ({ userId: row.userId, eventId: row.eventId, type: row.type })),
      order: { id: 'ASC' },
    });
  }

  /**
   * Inserts task notifications that come from no event (a comment edit's new mentions) inside
   * the caller's transaction: the change they tell about commits with them, once.
   */
  async insertForTask(
    manager: EntityManager,
    rows: ReadonlyArray<Omit<NewNotification, 'eventId'>>,
    now: Date,
  ): Promise<Notification[]> {
    if (rows.length === 0) return [];
    return manager.save(
      Notification,
      rows.map((row) =>
        manager.create(Notification, {
          userId: row.userId,
          type: row.type,
          taskId: row.taskId,
          projectId: null,
          eventId: null,
          message: row.message,
          readAt: null,
          createdAt: now,
        }),
      ),
    );
  }

  /** Inserts inside the caller's transaction (the change it tells about commits with it). */
  async insertForProject(
    manager: EntityManager,
    row: NewProjectNotification,
    now: Date,
  ): Promise<Notification> {
    const notification = manager.create(Notification, {
      userId: row.userId,
      type: row.type,
      taskId: null,
      projectId: row.projectId,
      eventId: null,
      message: row.message,
      readAt: null,
      createdAt: now,
    });
    await manager.insert(Notification, notification);
    return notification;
  }
}
