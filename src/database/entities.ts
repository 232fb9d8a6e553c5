import { Attachment } from '../attachments/attachment.entity';
import { RefreshToken } from '../auth/refresh-token.entity';
import { ExportFile, ExportFileChunk } from '../exports/export-file.entity';
import { Label } from '../labels/label.entity';
import { IdempotencyKey } from '../idempotency/idempotency-key.entity';
import { Notification } from '../notifications/notification.entity';
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
  Label,
  TaskLabel,
];
