import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { TaskResponseDto } from '../../tasks/dto/task-response.dto';
import type { TaskPriority, TaskStatus } from '../../tasks/domain/task.constants';
import { TaskPriorityEnum, TaskStatusEnum } from './enums';

@ObjectType({ description: 'A label as a task carries it' })
export class TaskLabel {
  @Field(() => Int)
  id!: number;

  @Field()
  name!: string;

  @Field({ description: '`#rrggbb`' })
  color!: string;
}

/**
 * A task: the REST fields in camelCase, plus the related objects (project, assignee, creator,
 * comments, attachments, activity) resolved by TaskResolver, the first ones in batches.
 */
@ObjectType()
export class Task {
  @Field(() => Int)
  id!: number;

  @Field()
  title!: string;

  @Field({ description: 'Empty string when none' })
  description!: string;

  @Field(() => TaskStatusEnum)
  status!: TaskStatus;

  @Field(() => TaskPriorityEnum)
  priority!: TaskPriority;

  @Field(() => Int, { description: 'The creator (REST `user_id`)' })
  userId!: number;

  @Field(() => Int)
  projectId!: number;

  @Field(() => Int, { nullable: true })
  assigneeId!: number | null;

  @Field(() => [TaskLabel], { description: 'By name', complexity: 2 })
  labels!: TaskLabel[];

  @Field(() => String, { nullable: true, description: 'RFC 3339' })
  dueDate!: string | null;

  @Field(() => String, { nullable: true, description: 'RFC 3339' })
  completedAt!: string | null;

  @Field({ description: 'RFC 3339' })
  createdAt!: string;

  @Field({ description: 'RFC 3339' })
  updatedAt!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'The REST ETag of this version, for `ifMatch` of updateTask and deleteTask; set on ' +
      'task(id) and on the results of createTask and updateTask, null in lists',
  })
  etag!: string | null;
}

@ObjectType()
export class TaskPage {
  @Field(() => [Task])
  nodes!: Task[];

  @Field(() => Int, { description: 'Matches of the filters over all pages (REST X-Total-Count)' })
  totalCount!: number;

  @Field(() => Int)
  page!: number;

  @Field(() => Int)
  pageSize!: number;
}

export function gqlTask(task: TaskResponseDto, etag: string | null = null): Task {
  return {
    id: task.id,
    title: task.title,
    description: task.description,
    status: task.status,
    priority: task.priority,
    userId: task.user_id,
    projectId: task.project_id,
    assigneeId: task.assignee_id,
    labels: task.labels.map((label) => ({ ...label })),
    dueDate: task.due_date,
    completedAt: task.completed_at,
    createdAt: task.created_at,
    updatedAt: task.updated_at,
    etag,
  };
}
