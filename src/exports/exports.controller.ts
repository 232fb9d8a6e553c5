import { Body, Controller, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Endpoint } from '../common/decorators/endpoint.decorator';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import {
  IDEMPOTENCY_KEY_HEADER,
  IdempotencyKeyHeader,
} from '../idempotency/idempotency-key.decorator';
import { CreateExportDto } from './dto/create-export.dto';
import { JobAcceptedResponseDto } from './dto/job-response.dto';
import { ExportsService } from './exports.service';

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('tasks')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Post('export')
  @HttpCode(HttpStatus.ACCEPTED)
  @Endpoint({
    operationId: 'exportTasks',
    scope: 'tasks:read',
    summary:
      "Export the tasks the caller can see (its projects' tasks and tasks assigned to it), as CSV or JSON (background job)",
    description:
      'Queues an export job and answers 202 at once; follow the job at `Location` ' +
      '(`GET /jobs/{id}`) and download the file from `GET /jobs/{id}/result` once it has ' +
      'completed. The body takes `format` plus any filter of `GET /tasks` (same names and ' +
      'rules; no paging: every match is exported, in the requested sort). CSV is RFC 4180 ' +
      'with a UTF-8 BOM; a text cell starting with `=`, `+`, `-`, `@`, tab or CR (or the ' +
      "full-width `＝＋－＠`) is prefixed with `'` so that spreadsheets show it as text instead " +
      'of running it as a formula (OWASP CSV injection); JSON keeps the text as stored. ' +
      'Unknown fields ' +
      'answer 400. With an `Idempotency-Key` (kept 24 hours per user) a retry with the same ' +
      'body answers the original 202 and job id again (with `Idempotent-Replayed: true`) ' +
      'without queuing another job; the same key with another body answers 422; a retry ' +
      'while the first request is still running answers 409. While the job queue (Redis) is ' +
      'unavailable the answer is 503.',
    errors: [400, 401, 409, 413, 415, 422, 429, 503],
  })
  @ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description: '1 to 255 printable ASCII characters, unique per intended export',
    schema: { type: 'string', minLength: 1, maxLength: 255, example: 'b7d1c6e0-export-1' },
  })
  @ApiBody({
    type: CreateExportDto,
    examples: {
      csv: { value: { format: 'csv' } },
      filtered: {
        value: { format: 'json', status: ['pending', 'in_progress'], q: '项目', sort: 'due_date' },
      },
    },
  })
  @ApiAcceptedResponse({
    type: JobAcceptedResponseDto,
    headers: {
      Location: {
        description: 'URL of the job resource',
        schema: {
          type: 'string',
          example: '/api/v1/jobs/export-3f0c2a8e-9d1b-4c57-8a8e-2b1f4c9d7e60',
        },
      },
      'Idempotent-Replayed': {
        description: '`true` when this is a replay of an earlier request with the same key',
        schema: { type: 'string', enum: ['true'] },
      },
    },
  })
  async create(
    @CurrentUser() caller: AuthUser,
    @Body() dto: CreateExportDto,
    @IdempotencyKeyHeader() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JobAcceptedResponseDto> {
    const result = await this.exports.request(caller.id, dto, idempotencyKey);
    void reply.status(result.status).headers(result.headers);
    if (result.replayed) void reply.header('Idempotent-Replayed', 'true');
    return result.body as JobAcceptedResponseDto;
  }
}
