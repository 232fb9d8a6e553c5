import { PersonalAccessToken } from '../access-tokens/personal-access-token.entity';
import { TaskActivity } from '../activity/task-activity.entity';
import { Attachment } from '../attachments/attachment.entity';
import { TaskComment } from '../comments/comment.entity';
import { RefreshToken } from '../auth/refresh-token.entity';
import { ExportFile, ExportFileChunk } from '../exports/export-file.entity';
import { Label } from '../labels/label.entity';
import { IdempotencyKey } from '../idempotency/idempotency-key.entity';
import { EmailMessage } from '../mail/email-message.entity';
import { PasswordResetToken } from '../auth/password-reset/password-reset-token.entity';
import { NotificationSettings } from '../notifications/settings/notification-settings.entity';
import { Notification } from '../notifications/notification.entity';
import { UserIdentity } from '../oidc/user-identity.entity';
import { ProjectMember } from '../projects/project-member.entity';
import { Project } from '../projects/project.entity';
import { TaskEventRecord } from '../tasks/events/task-event-record.entity';
import { Task } from '../tasks/domain/task.entity';
import { TaskLabel } from '../tasks/domain/task-label.entity';
import { User } from '../users/user.entity';
import { Webhook, WebhookDelivery } from '../webhooks/webhook.entity';

/** Every entity, listed explicitly so the app, the CLI and the tests load the same set. */
export const ENTITIES = [
  User,
  RefreshToken,
  Project,
  ProjectMember,
  Task,
  TaskEventRecord,
  IdempotencyKey,
  ExportFile,
  ExportFileChunk,
  Notification,
  Webhook,
  WebhookDelivery,
  Attachment,
  TaskComment,
  TaskActivity,
  PersonalAccessToken,
  EmailMessage,
  PasswordResetToken,
  NotificationSettings,
  UserIdentity,
  Label,
  TaskLabel,
];
