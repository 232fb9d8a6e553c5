import { ApiProperty } from '@nestjs/swagger';

export const JOB_STATES = ['waiting', 'delayed', 'active', 'completed', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const JOB_TYPES = ['export'] as const;
export type JobType = (typeof JOB_TYPES)[number];

export class JobAcceptedResponseDto {
  @ApiProperty({
    description: 'Opaque job id; follow it at `Location`',
    example: 'export-3f0c2a8e-9d1b-4c57-8a8e-2b1f4c9d7e60',
  })
  job_id!: string;
}

export class JobResponseDto {
  @ApiProperty({ example: 'export-3f0c2a8e-9d1b-4c57-8a8e-2b1f4c9d7e60' })
  id!: string;

  @ApiProperty({ enum: JOB_TYPES, enumName: 'JobType', example: 'export' })
  type!: JobType;

  @ApiProperty({
    enum: JOB_STATES,
    enumName: 'JobState',
    example: 'active',
    description:
      '`waiting` (queued), `delayed` (waiting for a retry after a failed attempt), `active`, ' +
      '`completed`, `failed` (after the last attempt)',
  })
  state!: JobState;

  @ApiProperty({
    description: 'Percent done, 0 to 100',
    type: 'integer',
    minimum: 0,
    maximum: 100,
    example: 40,
  })
  progress!: number;

  @ApiProperty({ description: 'Attempts started so far', type: 'integer', example: 1 })
  attempts_made!: number;

  @ApiProperty({ type: 'integer', example: 3 })
  max_attempts!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why the job failed; null unless `state` is `failed`',
    example: null,
  })
  failed_reason!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-01-20T08:30:00.000Z' })
  created_at!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the job completed or failed for good',
    example: null,
  })
  finished_at!: string | null;
}
