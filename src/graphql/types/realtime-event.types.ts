import { Field, Int, ObjectType } from '@nestjs/graphql';
import { Notification } from './notification.types';
import { Comment } from './task-parts.types';
import { Task } from './task.types';

@ObjectType({
  description:
    'One message of the real-time stream (as GET /api/v1/ws sends it): a task event ' +
    '(`task.created`, `task.updated`, `task.deleted`, `task.assigned`, `task.completed`, ' +
    '`task.due_soon`, `comment.created`) with the task as it is after it (before it, for a ' +
    'deletion), `task.hidden` (the caller no longer sees `taskId`), `notification.created`, or ' +
    '`resync` (events may have been missed: reload)',
})
export class RealtimeEvent {
  @Field(() => String, { nullable: true, description: 'Increasing; null for `resync`' })
  id!: string | null;

  @Field()
  event!: string;

  @Field(() => String, { nullable: true, description: 'RFC 3339; null for `resync`' })
  createdAt!: string | null;

  @Field(() => Int, { nullable: true })
  taskId!: number | null;

  @Field(() => Task, { nullable: true })
  task!: Task | null;

  @Field(() => Comment, { nullable: true, description: 'The new comment of `comment.created`' })
  comment!: Comment | null;

  @Field(() => Notification, { nullable: true })
  notification!: Notification | null;
}
