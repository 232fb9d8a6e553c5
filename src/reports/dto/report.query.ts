import { ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, registerDecorator, ValidationOptions } from 'class-validator';
import { IsRfc3339 } from '../../common/validators/is-rfc3339.validator';
import { ListTasksQuery } from '../../tasks/dto/list-tasks.query';
import {
  DEFAULT_BUCKETS,
  isTimeZone,
  MAX_BUCKETS,
  REPORT_INTERVALS,
  ReportInterval,
} from '../time-buckets';

/** An IANA time zone name the server knows (`Europe/Berlin`). */
function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: '$property must be an IANA time zone name such as Europe/Berlin',
        ...options,
      },
      validator: {
        validate: (value: unknown): boolean => typeof value === 'string' && isTimeZone(value),
      },
    });
  };
}

/** Query of `GET /reports/workload`: the listing's `project_id` filter. */
export class WorkloadReportQuery extends PickType(ListTasksQuery, ['project_id'] as const) {}

/** Query of `GET /reports/completion`. No examples: Swagger UI would pre-fill them. */
export class CompletionReportQuery extends WorkloadReportQuery {
  @ApiPropertyOptional({
    description:
      'RFC 3339; the series starts with the bucket holding this instant. Default: the start of ' +
      `the last ${DEFAULT_BUCKETS.day} days, ${DEFAULT_BUCKETS.week} weeks or ` +
      `${DEFAULT_BUCKETS.month} months before \`to\` (by \`interval\`), the current one included`,
    type: String,
    format: 'date-time',
  })
  @IsOptional()
  @IsRfc3339()
  from?: string;

  @ApiPropertyOptional({
    description:
      'RFC 3339, after `from`; the series ends with the bucket holding the last instant before ' +
      'it. Default: now',
    type: String,
    format: 'date-time',
  })
  @IsOptional()
  @IsRfc3339()
  to?: string;

  @ApiPropertyOptional({
    description: `Bucket size (default \`day\`); weeks are ISO weeks, starting on Monday; at most ${MAX_BUCKETS} buckets`,
    enum: REPORT_INTERVALS,
    enumName: 'ReportInterval',
  })
  @IsOptional()
  @IsIn(REPORT_INTERVALS, { message: `interval must be one of ${REPORT_INTERVALS.join(', ')}` })
  interval?: ReportInterval;

  @ApiPropertyOptional({
    description:
      'IANA time zone in which days, weeks and months are cut (default `UTC`), e.g. ' +
      '`Europe/Berlin`; a DST day is 23 or 25 hours long',
    type: String,
    maxLength: 64,
  })
  @IsOptional()
  @IsString()
  @IsTimeZone()
  tz?: string;
}
