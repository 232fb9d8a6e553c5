import { ApiProperty, PickType } from '@nestjs/swagger';
import { ListTasksQuery } from './list-tasks.query';

export class TaskStatusCountsDto {
  @ApiProperty({ type: 'integer', example: 3 })
  pending!: number;

  @ApiProperty({ type: 'integer', example: 2 })
  in_progress!: number;

  @ApiProperty({ type: 'integer', example: 5 })
  completed!: number;
}

export class TaskPriorityCountsDto {
  @ApiProperty({ type: 'integer', example: 2 })
  low!: number;

  @ApiProperty({ type: 'integer', example: 6 })
  medium!: number;

  @ApiProperty({ type: 'integer', example: 2 })
  high!: number;
}

export class TaskStatsResponseDto {
  @ApiProperty({
    description:
      'Non-deleted tasks the caller can see (of its projects, or assigned to it), of the ' +
      '`project_id` projects when given',
    type: 'integer',
    example: 10,
  })
  total!: number;

  @ApiProperty({ type: TaskStatusCountsDto, description: 'Every status, 0 when none' })
  by_status!: TaskStatusCountsDto;

  @ApiProperty({ type: TaskPriorityCountsDto, description: 'Every priority, 0 when none' })
  by_priority!: TaskPriorityCountsDto;

  @ApiProperty({ description: 'Due in the past and not completed', type: 'integer', example: 1 })
  overdue!: number;

  @ApiProperty({
    description: 'completed / total as a number from 0 to 1; 0 when total is 0',
    minimum: 0,
    maximum: 1,
    example: 0.5,
  })
  completion_rate!: number;
}

/** Query of `GET /tasks/stats`: the listing's `project_id` filter. */
export class TaskStatsQuery extends PickType(ListTasksQuery, ['project_id'] as const) {}
