import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { ValidatedElsewhere } from '../../common/http/validation';
import type { TaskPriority, TaskScope, TaskStatus } from '../../tasks/domain/task.constants';
import { TaskPriorityEnum, TaskScopeEnum, TaskStatusEnum } from './enums';

/**
 * The inputs carry no validation of their own: each is turned into the REST request DTO and
 * validated by the same class-validator rules (see validateAsRest), so both APIs accept and
 * refuse exactly the same values.
 */

@ValidatedElsewhere()
@InputType({ description: 'The filters of the REST task listing (GET /api/v1/tasks)' })
export class TaskFilter {
  @Field(() => [TaskStatusEnum], { nullable: true, description: 'Any of these statuses' })
  status?: TaskStatus[] | null;

  @Field(() => [TaskPriorityEnum], { nullable: true, description: 'Any of these priorities' })
  priority?: TaskPriority[] | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Tasks assigned to this user id, or `none` for unassigned tasks',
  })
  assigneeId?: string | null;

  @Field(() => [Int], { nullable: true, description: 'Tasks of any of these projects' })
  projectId?: number[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Label names (case-insensitive); a task must carry every one',
  })
  label?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'Every whitespace-separated term occurs in the title or the description',
  })
  q?: string | null;

  @Field(() => String, { nullable: true, description: 'RFC 3339; due strictly before' })
  dueBefore?: string | null;

  @Field(() => String, { nullable: true, description: 'RFC 3339; due strictly after' })
  dueAfter?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: due in the past and not completed; false: the others',
  })
  overdue?: boolean | null;

  @Field(() => TaskScopeEnum, { nullable: true, description: 'Default `all`' })
  scope?: TaskScope | null;
}

@ValidatedElsewhere()
@InputType()
export class CreateTaskInput {
  @Field()
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => TaskPriorityEnum, { nullable: true, description: 'Default `medium`' })
  priority?: TaskPriority | null;

  @Field(() => TaskStatusEnum, { nullable: true, description: 'Default `pending`' })
  status?: TaskStatus | null;

  @Field(() => String, { nullable: true, description: 'RFC 3339' })
  dueDate?: string | null;

  @Field(() => Int, { nullable: true })
  assigneeId?: number | null;

  @Field(() => Int, { nullable: true, description: "Default: the caller's inbox" })
  projectId?: number | null;

  @Field(() => [Int], { nullable: true, description: 'Labels of the project, at most 20' })
  labelIds?: number[] | null;
}

@ValidatedElsewhere()
@InputType({
  description:
    'Only the fields given change, at least one; `dueDate: null` clears the due date, ' +
    '`assigneeId: null` unassigns, `labelIds` replaces the set, `projectId` moves the task',
})
export class UpdateTaskInput {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => TaskPriorityEnum, { nullable: true })
  priority?: TaskPriority | null;

  @Field(() => TaskStatusEnum, { nullable: true })
  status?: TaskStatus | null;

  @Field(() => String, { nullable: true, description: 'RFC 3339, or null to clear it' })
  dueDate?: string | null;

  @Field(() => Int, { nullable: true, description: 'A user id, or null to unassign' })
  assigneeId?: number | null;

  @Field(() => Int, { nullable: true })
  projectId?: number | null;

  @Field(() => [Int], { nullable: true })
  labelIds?: number[] | null;
}

@ValidatedElsewhere()
@InputType()
export class CreateProjectInput {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@ValidatedElsewhere()
@InputType({ description: 'Only the fields given change, at least one' })
export class UpdateProjectInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true archives, false unarchives' })
  archived?: boolean | null;
}

@ValidatedElsewhere()
@InputType()
export class CreateLabelInput {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true, description: '`#rrggbb`, default `#808080`' })
  color?: string | null;
}
