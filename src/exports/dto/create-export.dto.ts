import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { ListTasksQuery } from '../../tasks/dto/list-tasks.query';
import { EXPORT_FORMATS, ExportFormat } from '../export-job';

/**
 * Body of `POST /tasks/export`: a format plus any listing filter of `GET /tasks`, with the same
 * names and rules (paging aside). Two values read more naturally in JSON than in a query
 * string, so both spellings are accepted: `assignee_id` as a number (or `"none"`), `overdue`
 * as a boolean (or `"true"`/`"false"`).
 */
export class CreateExportDto extends OmitType(ListTasksQuery, [
  'page',
  'page_size',
  'assignee_id',
  'overdue',
] as const) {
  @ApiProperty({ enum: EXPORT_FORMATS, enumName: 'ExportFormat', example: 'csv' })
  @IsIn(EXPORT_FORMATS)
  format!: ExportFormat;

  @ApiPropertyOptional({
    description: 'Tasks assigned to this user id, or `none` for unassigned tasks',
    oneOf: [
      { type: 'integer', minimum: 1, maximum: 4294967295 },
      { type: 'string', enum: ['none'] },
    ],
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'number' && Number.isInteger(value) ? String(value) : value,
  )
  @IsString({ message: 'assignee_id must be a positive integer or none' })
  @Matches(/^(none|[1-9]\d{0,9})$/, {
    message: 'assignee_id must be a positive integer or none',
  })
  assignee_id?: string;

  @ApiPropertyOptional({
    description:
      '`true`: due in the past and not completed; `false`: the others (no due date, due ' +
      'later, or completed)',
    type: Boolean,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'boolean' ? String(value) : value,
  )
  @IsIn(['true', 'false'], { message: 'overdue must be a boolean' })
  overdue?: 'true' | 'false';
}
