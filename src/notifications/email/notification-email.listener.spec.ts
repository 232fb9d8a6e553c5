import type { EntityManager } from 'typeorm';
import { loadConfig } from '../../config/env';
import type { MailService } from '../../mail/mail.service';
import type { OutgoingEmail } from '../../mail/outgoing-email';
import type { TaskResponseDto } from '../../tasks/dto/task-response.dto';
import type { TasksService } from '../../tasks/tasks.service';
import type { UsersService } from '../../users/users.service';
import type { NotificationType } from '../dto/notification-response.dto';
import type { CreatedNotification } from '../notification-created-listener';
import { DEFAULT_EMAIL_SETTINGS, EmailSettings } from '../settings/email-settings';
import { NotificationSettingsRepository } from '../settings/notification-settings.repository';
import { NotificationSettingsService } from '../settings/notification-settings.service';
import { NotificationEmailListener } from './notification-email.listener';

const task = { id: 5, title: '评审设计稿', due_date: null } as TaskResponseDto;

function notification(id: number, userId: number, type: NotificationType): CreatedNotification {
  return {
    id,
    userId,
    type,
    taskId: type === 'project_added' ? null : task.id,
    projectId: type === 'project_added' ? 3 : null,
    eventId: null,
    message: `message ${id}`,
    createdAt: new Date(),
  };
}

describe(NotificationEmailListener.name, () => {
  const manager = {} as EntityManager;
  const config = loadConfig({ JWT_SECRET: 's'.repeat(32), PUBLIC_APP_URL: 'https://app.test' });
  let queued: OutgoingEmail[];
  let settings: Map<number, EmailSettings>;
  let enabled: boolean;
  let listener: NotificationEmailListener;

  beforeEach(() => {
    queued = [];
    enabled = true;
    settings = new Map();
    const mail = {
      get enabled() {
        return enabled;
      },
      queue: (_m: EntityManager, email: OutgoingEmail) => {
        queued.push(email);
        return Promise.resolve();
      },
    } as unknown as MailService;
    const repository = {
      forUsers: (_m: EntityManager, ids: readonly number[]) =>
        Promise.resolve(new Map(ids.map((id) => [id, settings.get(id) ?? DEFAULT_EMAIL_SETTINGS]))),
    } as unknown as NotificationSettingsRepository;
    const users = {
      contactsByIds: (_m: EntityManager, ids: readonly number[]) =>
        Promise.resolve(
          new Map(ids.map((id) => [id, { username: `u${id}`, email: `u${id}@x.test` }])),
        ),
    } as unknown as UsersService;
    const tasks = {
      liveByIds: () => Promise.resolve(new Map([[task.id, task]])),
    } as unknown as TasksService;
    listener = new NotificationEmailListener(
      mail,
      new NotificationSettingsService(repository, config),
      users,
      tasks,
      config,
    );
  });

  it('should queue one email per notification of an emailed type, keyed on the notification', async () => {
    await listener.onNotificationsCreated(
      [
        notification(10, 1, 'mentioned'),
        notification(11, 2, 'commented'),
        notification(12, 3, 'project_added'),
      ],
      manager,
    );
    expect(queued.map((e) => [e.kind, e.sourceId, e.recipient])).toEqual([
      ['mentioned', '10', 'u1@x.test'],
      ['commented', '11', 'u2@x.test'],
    ]);
    expect(queued[0].content.subject).toBe('You were mentioned on: 评审设计稿');
    expect(queued[1].content.subject).toBe('New comment on: 评审设计稿');
    expect(queued[0].content.unsubscribeUrl).toMatch(
      /^https:\/\/app\.test\/api\/v1\/unsubscribe\?token=1\.mentioned\./,
    );
    expect(queued[1].content.text).toContain('https://app.test/tasks/5');
  });

  it('should skip users whose switch for the type is off', async () => {
    settings.set(1, { ...DEFAULT_EMAIL_SETTINGS, email_mentioned: false });
    await listener.onNotificationsCreated(
      [notification(10, 1, 'mentioned'), notification(11, 1, 'commented')],
      manager,
    );
    expect(queued.map((e) => e.kind)).toEqual(['commented']);
  });

  it('should queue nothing without SMTP_URL', async () => {
    enabled = false;
    await listener.onNotificationsCreated([notification(10, 1, 'assigned')], manager);
    expect(queued).toEqual([]);
  });
});
