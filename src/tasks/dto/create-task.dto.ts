import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { MAX_TASK_LABELS } from '../../labels/label.constants';
import { IsRfc3339 } from '../../common/validators/is-rfc3339.validator';
import { IsWellFormedText } from '../../common/validators/text.validator';
import {
  MAX_ID,
  TASK_DESCRIPTION_MAX,
  TASK_PRIORITIES,
  TASK_STATUSES,
  TASK_TITLE_MAX,
  TaskPriority,
  TaskStatus,
} from '../domain/task.constants';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** A set: repeated ids count once (before the size limit). */
const distinct = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value) ? [...new Set(value)] : value;

/** Validates only when the field is present: `null` is an invalid value, not "absent". */
const IfPresent = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);

export class CreateTaskDto {
  @ApiProperty({
    description: 'Trimmed; 1 to 200 characters after trimming',
    example: '完成项目文档',
    minLength: 1,
    maxLength: TASK_TITLE_MAX,
  })
  @Transform(trim)
  @IsString()
  @IsWellFormedText()
  @Length(1, TASK_TITLE_MAX)
  title!: string;

  @ApiPropertyOptional({
    description: 'Free text; a task created without it gets the empty string',
    example: '编写项目的技术文档',
    maxLength: TASK_DESCRIPTION_MAX,
    default: '',
  })
  @IfPresent()
  @IsString()
  @IsWellFormedText()
  @MaxLength(TASK_DESCRIPTION_MAX)
  description?: string;

  @ApiPropertyOptional({
    enum: TASK_STATUSES,
    enumName: 'TaskStatus',
    default: 'pending',
    example: 'pending',
  })
  @IfPresent()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional({
    enum: TASK_PRIORITIES,
    enumName: 'TaskPriority',
    default: 'medium',
    example: 'high',
  })
  @IfPresent()
  @IsIn(TASK_PRIORITIES)
  priority?: TaskPriority;

  @ApiPropertyOptional({
    description: 'RFC 3339 date-time (years 1000-9999), or null for none',
    example: '2026-02-01T00:00:00Z',
    type: String,
    format: 'date-time',
    nullable: true,
  })
  @IsOptional()
  @IsRfc3339()
  due_date?: string | null;

  @ApiPropertyOptional({
    description: 'Id of an existing user to assign the task to, or null for nobody',
    example: 2,
    type: 'integer',
    minimum: 1,
    maximum: MAX_ID,
    nullable: true,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  assignee_id?: number | null;

  @ApiPropertyOptional({
    description:
      "The task's project; defaults to the caller's inbox. Needs the editor role there: a " +
      'project the caller cannot see answers 404, one where it is a viewer 403, an archived ' +
      'one 409. On PUT/PATCH it moves the task (editor in both projects).',
    example: 3,
    type: 'integer',
    minimum: 1,
    maximum: MAX_ID,
  })
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  project_id?: number;

  @ApiPropertyOptional({
    description:
      `Ids of labels of the task's project (at most ${MAX_TASK_LABELS}; repeated ids count ` +
      'once). On PUT/PATCH the set replaces the current one (`[]` removes every label); a ' +
      "move drops the labels of the old project, so send the new project's labels with it. " +
      'An id that is no label of the project answers 400.',
    type: 'integer',
    isArray: true,
    minimum: 1,
    maximum: MAX_ID,
    maxItems: MAX_TASK_LABELS,
    example: [4, 7],
  })
  @IfPresent()
  @Transform(distinct)
  @IsArray({ message: 'label_ids must be an array of label ids' })
  @ArrayMaxSize(MAX_TASK_LABELS, {
    message: `label_ids must hold at most ${MAX_TASK_LABELS} labels`,
  })
  @IsInt({ each: true, message: 'label_ids must be an array of label ids (positive integers)' })
  @Min(1, { each: true, message: 'label_ids must be an array of label ids (positive integers)' })
  @Max(MAX_ID, {
    each: true,
    message: 'label_ids must be an array of label ids (positive integers)',
  })
  label_ids?: number[];
}
