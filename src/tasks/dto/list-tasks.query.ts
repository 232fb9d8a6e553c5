import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { LABEL_NAME_MAX, MAX_LABEL_FILTER } from '../../labels/label.constants';
import { PageQuery } from '../../common/http/page.query';
import { IsRfc3339 } from '../../common/validators/is-rfc3339.validator';
import {
  MAX_PROJECT_FILTER,
  MAX_SEARCH_LENGTH,
  SORT_ORDERS,
  SortOrder,
  TASK_PRIORITIES,
  TASK_SCOPES,
  TASK_SORTS,
  TASK_STATUSES,
  TaskPriority,
  TaskScope,
  TaskSort,
  TaskStatus,
} from '../domain/task.constants';

/** `a,b` and repeated parameters (`?status=a&status=b`) both become `['a', 'b']`. */
const commaList = ({ value }: { value: unknown }): unknown => {
  const parts = Array.isArray(value) ? value : [value];
  return parts.every((p) => typeof p === 'string')
    ? parts.flatMap((p) => p.split(',')).map((p) => p.trim())
    : value;
};

/**
 * Query of `GET /tasks`. Unknown parameters are dropped by the global pipe. No parameter has an
 * `example`: Swagger UI pre-fills "Try it out" with examples, which would filter every list.
 */
export class ListTasksQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'One status or a comma list, e.g. `pending,in_progress`',
    enum: TASK_STATUSES,
    enumName: 'TaskStatus',
    isArray: true,
  })
  @IsOptional()
  @Transform(commaList)
  @ArrayMaxSize(TASK_STATUSES.length * 4)
  @IsIn(TASK_STATUSES, { each: true })
  status?: TaskStatus[];

  @ApiPropertyOptional({
    description: 'One priority or a comma list, e.g. `high`',
    enum: TASK_PRIORITIES,
    enumName: 'TaskPriority',
    isArray: true,
  })
  @IsOptional()
  @Transform(commaList)
  @ArrayMaxSize(TASK_PRIORITIES.length * 4)
  @IsIn(TASK_PRIORITIES, { each: true })
  priority?: TaskPriority[];

  @ApiPropertyOptional({
    description: 'Tasks assigned to this user id, or `none` for unassigned tasks',
    type: String,
    pattern: '^(none|[1-9][0-9]{0,9})$',
  })
  @IsOptional()
  @IsString()
  @Matches(/^(none|[1-9]\d{0,9})$/, {
    message: 'assignee_id must be a positive integer or none',
  })
  assignee_id?: string;

  @ApiPropertyOptional({
    description:
      'One project id or a comma list, e.g. `3,7`; tasks of projects the caller cannot see ' +
      'never match',
    type: String,
    pattern: '^[1-9][0-9]{0,9}(,[1-9][0-9]{0,9})*$',
  })
  @IsOptional()
  @Transform(commaList)
  @ArrayMaxSize(MAX_PROJECT_FILTER)
  @Matches(/^[1-9]\d{0,9}$/, {
    each: true,
    message: 'project_id must be a positive integer or a comma list of them',
  })
  project_id?: string[];

  @ApiPropertyOptional({
    description:
      'One label name or a comma list, e.g. `bug,urgent`, compared case-insensitively; a task ' +
      'must carry every one. Names are per project, so `bug` matches the label named bug in ' +
      `each project the caller sees (1 to ${LABEL_NAME_MAX} characters each, at most ` +
      `${MAX_LABEL_FILTER} names)`,
    type: String,
  })
  @IsOptional()
  @Transform(commaList)
  @IsArray({ message: 'label must be a label name or a comma list of them' })
  @ArrayMaxSize(MAX_LABEL_FILTER, {
    message: `label must name at most ${MAX_LABEL_FILTER} labels`,
  })
  @IsString({ each: true, message: 'label must be a label name or a comma list of them' })
  @Length(1, LABEL_NAME_MAX, {
    each: true,
    message: `label names must be 1 to ${LABEL_NAME_MAX} characters long`,
  })
  label?: string[];

  @ApiPropertyOptional({
    description:
      "`all`: every task the caller can see (its projects' tasks and tasks assigned to it); `owned`: created by the caller (among those); `assigned`: assigned to the caller",
    enum: TASK_SCOPES,
    enumName: 'TaskScope',
    default: 'all',
  })
  @IsOptional()
  @IsIn(TASK_SCOPES)
  scope?: TaskScope;

  @ApiPropertyOptional({
    description:
      'Search: every whitespace-separated term must occur, case-insensitively, inside the title ' +
      'or the description (substring match, so text without spaces such as Chinese works; `%` ' +
      'and `_` match themselves), e.g. `项目`. Case is folded by lower-casing both sides; ' +
      'accents are not folded (`uber` does not find `Über`, `über` does)',
    maxLength: MAX_SEARCH_LENGTH,
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SEARCH_LENGTH)
  q?: string;

  @ApiPropertyOptional({
    description:
      'Only tasks due strictly before this RFC 3339 date-time, e.g. `2026-03-01T00:00:00Z`',
    format: 'date-time',
  })
  @IsOptional()
  @IsRfc3339()
  due_before?: string;

  @ApiPropertyOptional({
    description:
      'Only tasks due strictly after this RFC 3339 date-time, e.g. `2026-01-01T00:00:00Z`',
    format: 'date-time',
  })
  @IsOptional()
  @IsRfc3339()
  due_after?: string;

  @ApiPropertyOptional({
    description:
      '`true`: due in the past and not completed; `false`: the others (no due date, due ' +
      'later, or completed)',
    type: Boolean,
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({
    description:
      'Sort key; ties are broken by id in the same direction. Tasks without a due date sort ' +
      'before all others ascending, after them descending (MySQL NULL order)',
    enum: TASK_SORTS,
    enumName: 'TaskSort',
    default: 'created_at',
  })
  @IsOptional()
  @IsIn(TASK_SORTS)
  sort?: TaskSort;

  @ApiPropertyOptional({ enum: SORT_ORDERS, enumName: 'SortOrder', default: 'desc' })
  @IsOptional()
  @IsIn(SORT_ORDERS)
  order?: SortOrder;
}
