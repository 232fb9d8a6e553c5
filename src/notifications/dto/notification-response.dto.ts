import { ApiProperty } from '@nestjs/swagger';
import type { Notification } from '../notification.entity';

export const NOTIFICATION_TYPES = [
  'assigned',
  'due_soon',
  'mentioned',
  'commented',
  'project_added',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export class NotificationResponseDto {
  @ApiProperty({ type: 'integer', example: 17 })
  id!: number;

  @ApiProperty({
    enum: NOTIFICATION_TYPES,
    enumName: 'NotificationType',
    description:
      '`assigned`: the caller was assigned the task; `due_soon`: the task (created by or ' +
      'assigned to the caller) is due within REMINDER_LEAD; `project_added`: the caller was ' +
      'added to the project `project_id`; `mentioned`: a comment on the task mentions the ' +
      'caller (`@username`); `commented`: someone else commented on a task the caller created ' +
      'or is assigned (and the comment does not mention it)',
    example: 'assigned',
  })
  type!: NotificationType;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The task it is about; null for a notification about a project',
    example: 42,
  })
  task_id!: number | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The project of a `project_added` notification; null otherwise',
    example: null,
  })
  project_id!: number | null;

  @ApiProperty({ example: 'You were assigned the task "完成项目文档"' })
  message!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the caller first marked it read; null while unread',
    example: null,
  })
  read_at!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-01-20T08:30:00.000Z' })
  created_at!: string;
}

/** The only way a notification leaves the service: an explicit field list. */
export function toNotificationResponse(notification: Notification): NotificationResponseDto {
  return {
    id: notification.id,
    type: notification.type as NotificationType,
    task_id: notification.taskId,
    project_id: notification.projectId,
    message: notification.message,
    read_at: notification.readAt ? notification.readAt.toISOString() : null,
    created_at: notification.createdAt.toISOString(),
  };
}
