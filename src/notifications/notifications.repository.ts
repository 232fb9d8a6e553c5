import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import type { NotificationType } from './dto/notification-response.dto';
import type { CreatedNotification } from './notification-created-listener';
import { Notification } from './notification.entity';

/** A notification to write: one per user, event and type. */
export interface NewNotification {
  userId: number;
  type: NotificationType;
  taskId: number;
  eventId: number;
  message: string;
}

/** A notification about a project rather than a task (no task, no event). */
export interface NewProjectNotification {
  userId: number;
  type: NotificationType;
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
   * type: a redelivered event) is skipped by the unique key instead of failing. Answers the rows
   * it inserted: one statement per row (an event notifies a handful of users), so each insert's
   * id is known and a skipped row is told apart from a new one.
   */
  async insertIgnoringDuplicates(
    manager: EntityManager,
    rows: readonly NewNotification[],
    now: Date,
  ): Promise<CreatedNotification[]> {
    const created: CreatedNotification[] = [];
    for (const row of rows) {
      const result = await manager.query<{ affectedRows: number; insertId: number }>(
        'INSERT IGNORE INTO notifications (user_id, type, task_id, event_id, message, read_at, created_at) VALUES (?, ?, ?, ?, ?, NULL, ?)',
        [row.userId, row.type, row.taskId, row.eventId, row.message, now],
      );
      if (result.affectedRows !== 1) continue;
      created.push({
        id: Number(result.insertId),
        userId: row.userId,
        type: row.type,
        taskId: row.taskId,
        projectId: null,
        eventId: row.eventId,
        message: row.message,
        createdAt: now,
      });
    }
    return created;
  }

  /**
   * Inserts task notifications that come from no event (a comment edit's new mentions) inside
   * the caller's transaction: the change they tell about commits with them, once.
   */
  async insertForTask(
    manager: EntityManager,
    rows: ReadonlyArray<Omit<NewNotification, 'eventId'>>,
    now: Date,
  ): Promise<CreatedNotification[]> {
    const created: CreatedNotification[] = [];
    for (const row of rows) {
      const result = await manager.insert(Notification, {
        userId: row.userId,
        type: row.type,
        taskId: row.taskId,
        projectId: null,
        eventId: null,
        message: row.message,
        readAt: null,
        createdAt: now,
      });
      created.push({
        id: Number(result.identifiers[0].id),
        userId: row.userId,
        type: row.type,
        taskId: row.taskId,
        projectId: null,
        eventId: null,
        message: row.message,
        createdAt: now,
      });
    }
    return created;
  }

  /** Inserts inside the caller's transaction (the change it tells about commits with it). */
  async insertForProject(
    manager: EntityManager,
    row: NewProjectNotification,
    now: Date,
  ): Promise<CreatedNotification> {
    const result = await manager.insert(Notification, {
      userId: row.userId,
      type: row.type,
      taskId: null,
      projectId: row.projectId,
      eventId: null,
      message: row.message,
      readAt: null,
      createdAt: now,
    });
    return {
      id: Number(result.identifiers[0].id),
      userId: row.userId,
      type: row.type,
      taskId: null,
      projectId: row.projectId,
      eventId: null,
      message: row.message,
      createdAt: now,
    };
  }
}
