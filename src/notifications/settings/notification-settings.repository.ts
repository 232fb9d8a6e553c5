import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { DEFAULT_EMAIL_SETTINGS, EmailSettings } from './email-settings';
import { NotificationSettings } from './notification-settings.entity';

function toSettings(row: NotificationSettings | null): EmailSettings {
  if (!row) return { ...DEFAULT_EMAIL_SETTINGS };
  return {
    email_assigned: Boolean(row.emailAssigned),
    email_mentioned: Boolean(row.emailMentioned),
    email_commented: Boolean(row.emailCommented),
    email_due_soon: Boolean(row.emailDueSoon),
  };
}

@Injectable()
export class NotificationSettingsRepository {
  constructor(
    @InjectRepository(NotificationSettings)
    private readonly settings: Repository<NotificationSettings>,
  ) {}

  async forUser(userId: number): Promise<EmailSettings> {
    return toSettings(await this.settings.findOneBy({ userId }));
  }

  /** Settings of several users, read in the caller's transaction; absent users get defaults. */
  async forUsers(
    manager: EntityManager,
    userIds: readonly number[],
  ): Promise<Map<number, EmailSettings>> {
    const ids = [...new Set(userIds)];
    const rows =
      ids.length === 0 ? [] : await manager.findBy(NotificationSettings, { userId: In(ids) });
    const byUser = new Map(rows.map((row) => [Number(row.userId), row]));
    return new Map(ids.map((id) => [id, toSettings(byUser.get(id) ?? null)]));
  }

  /**
   * Applies `changes` on top of the user's settings (defaults when it has none) and answers
   * the result. One upsert: concurrent changes of different switches both stick.
   */
  async update(userId: number, changes: Partial<EmailSettings>, now: Date): Promise<EmailSettings> {
    const columns: Record<keyof EmailSettings, string> = {
      email_assigned: 'email_assigned',
      email_mentioned: 'email_mentioned',
      email_commented: 'email_commented',
      email_due_soon: 'email_due_soon',
    };
    const entries = (Object.keys(columns) as Array<keyof EmailSettings>).filter(
      (key) => changes[key] !== undefined,
    );
    const initial = { ...DEFAULT_EMAIL_SETTINGS, ...changes };
    const updates = entries.map((key) => `${columns[key]} = VALUES(${columns[key]})`);
    await this.settings.query(
      'INSERT INTO notification_settings (user_id, email_assigned, email_mentioned, email_commented, email_due_soon, updated_at) VALUES (?, ?, ?, ?, ?, ?) ' +
        `ON DUPLICATE KEY UPDATE ${[...updates, 'updated_at = VALUES(updated_at)'].join(', ')}`,
      [
        userId,
        initial.email_assigned,
        initial.email_mentioned,
        initial.email_commented,
        initial.email_due_soon,
        now,
      ],
    );
    return this.forUser(userId);
  }
}
