import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { MAX_PROJECT_FILTER } from '../../tasks/domain/task.constants';
import { ListTasksQuery } from '../../tasks/dto/list-tasks.query';
import { EXPORT_FORMATS, ExportFormat } from '../export-job';

/**
 * `project_id` as the listing's strings: a JSON id (`7`), a list of them (`[3, 7]`), or the
 * query string's spelling (`"3,7"`). Anything else is left as it is, for validation to refuse.
 */
const projectIdList = ({ value }: { value: unknown }): unknown => {
  const parts: unknown[] = Array.isArray(value) ? value : [value];
  if (!parts.every((p) => typeof p === 'string' || Number.isInteger(p))) return value;
  return parts.flatMap((p) =>
    typeof p === 'string' ? p.split(',').map((s) => s.trim()) : [String(p)],
  );
};

/**
 * Body of `POST /tasks/export`: a format plus any listing filter of `GET /tasks`, with the same
 * names and rules (paging aside). Some values read more naturally in JSON than in a query
 * string, so both spellings are accepted: `assignee_id` as a number (or `"none"`), `overdue`
 * as a boolean (or `"true"`/`"false"`), `project_id` as a number or an array of numbers (or the
 * comma list `"3,7"`).
 */
export class CreateExportDto extends OmitType(ListTasksQuery, [
  'page',
  'page_size',
  'assignee_id',
  'overdue',
  'project_id',
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

  @ApiPropertyOptional({
    description:
      'One project id or a list of them: `7`, `[3, 7]` or `"3,7"`; tasks of projects the ' +
      'caller cannot see never match',
    oneOf: [
      { type: 'integer', minimum: 1, maximum: 4294967295 },
      {
        type: 'array',
        items: { type: 'integer', minimum: 1, maximum: 4294967295 },
        maxItems: MAX_PROJECT_FILTER,
      },
      { type: 'string', pattern: '^[1-9][0-9]{0,9}(,[1-9][0-9]{0,9})*$' },
    ],
  })
  @IsOptional()
  @Transform(projectIdList)
  @ArrayMaxSize(MAX_PROJECT_FILTER)
  @Matches(/^[1-9]\d{0,9}$/, {
    each: true,
    message: 'project_id must be a positive integer or a list of them',
  })
  project_id?: string[];
}
