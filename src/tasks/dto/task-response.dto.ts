import { ApiProperty } from '@nestjs/swagger';
import {
  priorityFromCode,
  statusFromCode,
  TASK_PRIORITIES,
  TASK_STATUSES,
  TaskPriority,
  TaskStatus,
} from '../domain/task.constants';
import type { Task } from '../domain/task.entity';
import { TaskLabelDto } from '../../labels/http/dto/label-response.dto';

export class TaskResponseDto {
  @ApiProperty({ type: 'integer', example: 1 })
  id!: number;

  @ApiProperty({ example: '完成项目文档' })
  title!: string;

  @ApiProperty({ example: '编写项目的技术文档', description: 'Empty string when none was given' })
  description!: string;

  @ApiProperty({ enum: TASK_STATUSES, enumName: 'TaskStatus', example: 'pending' })
  status!: TaskStatus;

  @ApiProperty({ enum: TASK_PRIORITIES, enumName: 'TaskPriority', example: 'high' })
  priority!: TaskPriority;

  @ApiProperty({
    description: 'The creator of the task (never changes)',
    type: 'integer',
    example: 1,
  })
  user_id!: number;

  @ApiProperty({ description: 'The project the task belongs to', type: 'integer', example: 3 })
  project_id!: number;

  @ApiProperty({ type: 'integer', nullable: true, example: 2 })
  assignee_id!: number | null;

  @ApiProperty({
    type: [TaskLabelDto],
    description: 'The labels the task carries (labels of its project), by name; [] when none',
  })
  labels!: TaskLabelDto[];

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-02-01T00:00:00.000Z',
  })
  due_date!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Set when the status becomes completed, cleared when it leaves it',
    example: null,
  })
  completed_at!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-01-20T08:30:00.000Z' })
  created_at!: string;

  @ApiProperty({ format: 'date-time', example: '2026-01-20T08:30:00.000Z' })
  updated_at!: string;
}

/** The only way a task leaves the service: an explicit field list (`labels` by name). */
export function toTaskResponse(task: Task, labels: TaskLabelDto[]): TaskResponseDto {
  return {
    id: task.id,
    title: task.title,
    description: task.description,
    status: task.status,
    priority: task.priority,
    user_id: task.userId,
    project_id: task.projectId,
    assignee_id: task.assigneeId,
    labels,
    due_date: task.dueDate ? task.dueDate.toISOString() : null,
    completed_at: task.completedAt ? task.completedAt.toISOString() : null,
    created_at: task.createdAt.toISOString(),
    updated_at: task.updatedAt.toISOString(),
  };
}

export class TaskDeletedResponseDto {
  @ApiProperty({ example: 'Task deleted successfully' })
  message!: string;
}

/** A `tasks` row as raw SQL returns it (status and priority as their stored codes). */
/** The columns of a `TaskSqlRow`, for raw SELECTs of tasks (`t.<column>`). */
export const TASK_ROW_COLUMNS = [
  'id',
  'user_id',
  'project_id',
  'assignee_id',
  'title',
  'description',
  'status',
  'priority',
  'due_date',
  'completed_at',
  'created_at',
  'updated_at',
] as const;

export interface TaskSqlRow {
  id: number;
  user_id: number;
  project_id: number;
  assignee_id: number | null;
  title: string;
  description: string;
  status: number;
  priority: number;
  due_date: Date | null;
  completed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The same explicit field list as toTaskResponse, for rows read with raw SQL. */
export function taskRowToResponse(row: TaskSqlRow, labels: TaskLabelDto[]): TaskResponseDto {
  return {
    id: Number(row.id),
    title: row.title,
    description: row.description,
    status: statusFromCode(Number(row.status)),
    priority: priorityFromCode(Number(row.priority)),
    user_id: Number(row.user_id),
    project_id: Number(row.project_id),
    assignee_id: row.assignee_id === null ? null : Number(row.assignee_id),
    labels,
    due_date: row.due_date ? row.due_date.toISOString() : null,
    completed_at: row.completed_at ? row.completed_at.toISOString() : null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
