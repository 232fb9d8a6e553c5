import { Controller, Get, Param, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiParam,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Endpoint } from '../common/decorators/endpoint.decorator';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { TaskResponseDto } from '../tasks/dto/task-response.dto';
import { JobResponseDto } from './dto/job-response.dto';
import { ExportsService } from './exports.service';
import { JobStatusService } from './job-status.service';

const JOB_ID_PARAM = ApiParam({
  name: 'id',
  description: 'Opaque job id, as returned in `job_id`',
  schema: { type: 'string', maxLength: 200 },
});

@ApiTags('jobs')
@ApiExtraModels(TaskResponseDto)
@ApiBearerAuth()
@Controller('jobs')
export class JobsController {
  constructor(
    private readonly jobStatus: JobStatusService,
    private readonly exports: ExportsService,
  ) {}

  @Get(':id')
  @JOB_ID_PARAM
  @Endpoint({
    operationId: 'getJob',
    scope: 'tasks:read',
    summary: "One of the caller's background jobs",
    description:
      "Only the caller's own jobs: another user's job and an unknown id both answer 404. " +
      'Finished jobs stay visible for 24 hours. `progress` goes from 0 to 100.',
    errors: [401, [404, 'Job not found'], 429, 503],
  })
  @ApiOkResponse({ type: JobResponseDto })
  get(@CurrentUser() caller: AuthUser, @Param('id') id: string): Promise<JobResponseDto> {
    return this.jobStatus.get(caller.id, id);
  }

  @Get(':id/result')
  @JOB_ID_PARAM
  @Endpoint({
    operationId: 'getJobResult',
    scope: 'tasks:read',
    summary: 'Download the file an export job produced',
    description:
      'The file is streamed as an attachment: CSV (RFC 4180: a UTF-8 byte order mark, a ' +
      'header row of the Task field names, CRLF line ends, fields with quotes, commas or line ' +
      'breaks quoted with inner quotes doubled, null as an empty field) or JSON (an array of ' +
      'Task objects). 409 while the job has not completed (waiting, delayed, active or ' +
      "failed); 404 for another user's job, an unknown id, or a result past its 24 hours.",
    errors: [
      401,
      [404, 'Job not found'],
      [409, 'The job has not completed yet (state: active)'],
      429,
      503,
    ],
  })
  @ApiOkResponse({
    description: 'The exported file',
    content: {
      'text/csv': { schema: { type: 'string', format: 'binary' } },
      'application/json': {
        schema: { type: 'array', items: { $ref: getSchemaPath(TaskResponseDto) } },
      },
    },
    headers: {
      'Content-Disposition': {
        description: 'Always an attachment named `tasks-<id>.csv` or `tasks-<id>.json`',
        schema: {
          type: 'string',
          example: 'attachment; filename="tasks-export-3f0c2a8e-9d1b-4c57-8a8e-2b1f4c9d7e60.csv"',
        },
      },
      'Content-Length': { description: 'Size of the file in bytes', schema: { type: 'integer' } },
    },
  })
  async result(@CurrentUser() caller: AuthUser, @Param('id') id: string): Promise<StreamableFile> {
    const file = await this.exports.download(caller.id, id);
    return new StreamableFile(file.stream, {
      type: file.contentType,
      disposition: `attachment; filename="${file.fileName}"`,
      length: file.length,
    });
  }
}
