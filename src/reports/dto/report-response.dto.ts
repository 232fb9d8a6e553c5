import { ApiProperty } from '@nestjs/swagger';
import { UserSummaryDto } from '../../users/dto/user-response.dto';
import { REPORT_INTERVALS, ReportInterval } from '../time-buckets';

export class CompletionBucketDto {
  @ApiProperty({
    description: "The bucket's first instant (local midnight in `tz`) as a UTC timestamp",
    format: 'date-time',
    example: '2026-03-28T23:00:00.000Z',
  })
  start!: string;

  @ApiProperty({ description: 'Visible tasks created in the bucket', type: 'integer', example: 4 })
  created!: number;

  @ApiProperty({
    description: 'Visible tasks completed (`completed_at`) in the bucket, whenever created',
    type: 'integer',
    example: 3,
  })
  completed!: number;

  @ApiProperty({
    description: '`completed / created`; null when nothing was created (it may exceed 1)',
    type: 'number',
    nullable: true,
    minimum: 0,
    example: 0.75,
  })
  completion_rate!: number | null;
}

export class CompletionReportDto {
  @ApiProperty({ enum: REPORT_INTERVALS, enumName: 'ReportInterval', example: 'day' })
  interval!: ReportInterval;

  @ApiProperty({ description: 'The time zone of the buckets', example: 'Europe/Berlin' })
  tz!: string;

  @ApiProperty({
    type: CompletionBucketDto,
    isArray: true,
    description: 'Every bucket from `from` to `to`, oldest first, zeros included',
  })
  series!: CompletionBucketDto[];
}

export class WorkloadRowDto {
  @ApiProperty({
    type: UserSummaryDto,
    nullable: true,
    description: 'The assignee; null for the unassigned tasks',
  })
  assignee!: UserSummaryDto | null;

  @ApiProperty({ type: 'integer', example: 5 })
  pending!: number;

  @ApiProperty({ type: 'integer', example: 2 })
  in_progress!: number;

  @ApiProperty({ type: 'integer', example: 9 })
  completed!: number;

  @ApiProperty({
    description: 'Due in the past and not completed',
    type: 'integer',
    example: 1,
  })
  overdue!: number;
}
