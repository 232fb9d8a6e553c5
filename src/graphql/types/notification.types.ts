import { Field, Int, ObjectType } from '@nestjs/graphql';
import type {
  NotificationResponseDto,
  NotificationType,
} from '../../notifications/dto/notification-response.dto';
import { NotificationTypeEnum } from './enums';

@ObjectType()
export class Notification {
  @Field(() => Int)
  id!: number;

  @Field(() => NotificationTypeEnum)
  type!: NotificationType;

  @Field(() => Int, { nullable: true })
  taskId!: number | null;

  @Field(() => Int, { nullable: true })
  projectId!: number | null;

  @Field()
  message!: string;

  @Field(() => String, { nullable: true, description: 'RFC 3339; null while unread' })
  readAt!: string | null;

  @Field({ description: 'RFC 3339' })
  createdAt!: string;
}

export function gqlNotification(notification: NotificationResponseDto): Notification {
  return {
    id: notification.id,
    type: notification.type,
    taskId: notification.task_id,
    projectId: notification.project_id,
    message: notification.message,
    readAt: notification.read_at,
    createdAt: notification.created_at,
  };
}
