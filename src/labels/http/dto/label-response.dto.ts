import { ApiProperty } from '@nestjs/swagger';

/** A label as a task carries it (`labels` of a Task). */
export class TaskLabelDto {
  @ApiProperty({ type: 'integer', example: 4 })
  id!: number;

  @ApiProperty({ example: 'bug' })
  name!: string;

  @ApiProperty({ description: '`#rrggbb`', example: '#d73a4a' })
  color!: string;
}

export class LabelResponseDto extends TaskLabelDto {
  @ApiProperty({ description: 'The project the label belongs to', type: 'integer', example: 3 })
  project_id!: number;

  @ApiProperty({ format: 'date-time', example: '2026-01-20T08:30:00.000Z' })
  created_at!: string;
}
