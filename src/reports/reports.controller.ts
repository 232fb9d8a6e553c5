import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { Endpoint } from '../common/decorators/endpoint.decorator';
import { CompletionReportQuery, WorkloadReportQuery } from './dto/report.query';
import { CompletionReportDto, WorkloadRowDto } from './dto/report-response.dto';
import { ReportsService } from './reports.service';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('completion')
  @Endpoint({
    operationId: 'getCompletionReport',
    scope: 'tasks:read',
    summary: 'Tasks created and completed per day, week or month',
    description:
      "Over the caller's visible tasks (those of its projects and those assigned to it; " +
      '`project_id` narrows to some projects). Buckets are cut in `tz` (weeks start on Monday), ' +
      'from the one holding `from` to the one holding the last instant before `to`; each counts ' +
      'its whole interval, and every bucket is listed, zeros included. At most 366 buckets ' +
      '(400 beyond, e.g. 400 days by day).',
    errors: [[400, 'tz must be an IANA time zone name such as Europe/Berlin'], 401, 429, 503],
  })
  @ApiOkResponse({ type: CompletionReportDto })
  completion(
    @CurrentUser() caller: AuthUser,
    @Query() query: CompletionReportQuery,
  ): Promise<CompletionReportDto> {
    return this.reports.completion(caller.id, query);
  }

  @Get('workload')
  @Endpoint({
    operationId: 'getWorkloadReport',
    scope: 'tasks:read',
    summary: 'Visible tasks per assignee, by status',
    description:
      "One row per assignee of the caller's visible tasks (`project_id` narrows to some " +
      'projects), with their pending, in-progress, completed and overdue (due in the past, not ' +
      'completed) counts; sorted by username, the unassigned tasks (`assignee: null`) last. ' +
      'Deleted tasks are not counted.',
    errors: [400, 401, 429, 503],
  })
  @ApiOkResponse({ type: WorkloadRowDto, isArray: true })
  workload(
    @CurrentUser() caller: AuthUser,
    @Query() query: WorkloadReportQuery,
  ): Promise<WorkloadRowDto[]> {
    return this.reports.workload(caller.id, query);
  }
}
