import { ApiProperty } from '@nestjs/swagger';
import { ACTIVITY_TYPES, ActivityType, ChangeValue } from '../domain/activity-entry';

export class ActivityActorDto {
  @ApiProperty({ type: 'integer', example: 7 })
  id!: number;

  @ApiProperty({ example: 'zhang_wei' })
  username!: string;
}

export class ActivityChangeDto {
  @ApiProperty({
    description:
      'A field of the task (`title`, `description`, `status`, `priority`, `due_date`, ' +
      '`assignee_id`, `project_id`, `labels`), or `comment` / `attachment`',
    example: 'status',
  })
  field!: string;

  @ApiProperty({
    // OpenAPI 3.0 allows `nullable` only beside a `type`: null is the string variant's.
    oneOf: [
      { type: 'string', nullable: true },
      { type: 'integer' },
      { type: 'array', items: { type: 'string' } },
    ],
    description: 'The value before (as the task shows it; `labels`: the names, sorted; null: none)',
    example: 'pending',
  })
  from!: ChangeValue;

  @ApiProperty({
    // OpenAPI 3.0 allows `nullable` only beside a `type`: null is the string variant's.
    oneOf: [
      { type: 'string', nullable: true },
      { type: 'integer' },
      { type: 'array', items: { type: 'string' } },
    ],
    description: 'The value after',
    example: 'completed',
  })
  to!: ChangeValue;
}

export class ActivityEntryResponseDto {
  @ApiProperty({ type: 'integer', description: 'Increases with time', example: 1042 })
  id!: number;

  @ApiProperty({ type: 'integer', example: 42 })
  task_id!: number;

  @ApiProperty({
    enum: ACTIVITY_TYPES,
    enumName: 'ActivityType',
    description:
      '`created` (no changes), `updated`, `moved` (`project_id` changed, with any other ' +
      'field of the same write), `commented` (`comment`: null → the comment id), ' +
      '`attachment_added` (`attachment`: null → the file name), `attachment_removed` ' +
      '(`attachment`: the file name → null)',
    example: 'updated',
  })
  type!: ActivityType;

  @ApiProperty({ type: ActivityActorDto, description: 'Who made the change' })
  actor!: ActivityActorDto;

  @ApiProperty({
    type: [ActivityChangeDto],
    description: 'Each field the write changed, in the order of the task fields',
  })
  changes!: ActivityChangeDto[];

  @ApiProperty({ format: 'date-time', example: '2026-02-01T09:30:00.000Z' })
  created_at!: string;
}
