import {
  applyDecorators,
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorSpec } from '../../common/decorators/api-error-responses.decorator';
import { Endpoint } from '../../common/decorators/endpoint.decorator';
import { AuthUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { pageLinkHeader } from '../../common/http/pagination';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import {
  IDEMPOTENCY_KEY_HEADER,
  IdempotencyKeyHeader,
} from '../../idempotency/idempotency-key.decorator';
import { CreateTaskDto } from '../dto/create-task.dto';
import { ListTasksQuery } from '../dto/list-tasks.query';
import { TaskStatsQuery, TaskStatsResponseDto } from '../dto/task-stats.dto';
import { TaskDeletedResponseDto, TaskResponseDto } from '../dto/task-response.dto';
import { UpdateTaskDto } from '../dto/update-task.dto';
import { TASKS_PATH } from '../domain/task.constants';
import { TaskWithEtag, TasksService } from '../tasks.service';
import { ApiIdParam, BAD_ID_ERROR } from '../../common/decorators/api-id-param.decorator';

const ETAG_HEADER = {
  ETag: {
    description: 'Strong entity tag of the task version (`"<id>-<version>"`), for If-Match',
    schema: { type: 'string', example: '"42-3"' },
  },
};

const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description:
    'An ETag from an earlier response (or `*`). When the task has changed since, the write is ' +
    'refused with 412 PRECONDITION_FAILED. Without it the write applies to the latest version.',
});

const ID_PARAM = ApiIdParam('id', 'Task id (positive integer)');

const UPDATE_BODY = ApiBody({
  type: UpdateTaskDto,
  description:
    'Partial update: only the fields sent change, at least one. `due_date: null` clears the due ' +
    'date, `assignee_id: null` unassigns, `project_id` moves the task. An assignee who is no ' +
    'editor of the project may send `status` only.',
  examples: {
    status: { value: { status: 'in_progress' } },
    owner: { value: { priority: 'low', due_date: null, assignee_id: 2 } },
  },
});

/** A task id in the path that is no canonical positive integer (ParseIdPipe's answer). */

/** The message of the 409 that every write to a task of an archived project answers. */
const ARCHIVED_PROJECT: ErrorSpec = [
  409,
  'the project is archived: its tasks cannot be created or changed until it is unarchived',
];

const UPDATE_RULES =
  "Editors (and above) of the task's project may change every field; an assignee who is no " +
  'editor only `status`; a viewer nothing (403). A task the caller cannot see answers 404. ' +
  '`project_id` moves the task to another project, which needs the editor role in both: a ' +
  'target the caller cannot see answers 404, one where it is a viewer 403, its own project 400. ' +
  'A task of an archived project, or a move into one, answers 409.';

/** PUT and PATCH are one operation under two methods, documented alike. */
function UpdateEndpoint(
  operationId: string,
  summary: string,
  description?: string,
): MethodDecorator {
  return applyDecorators(
    ID_PARAM,
    IF_MATCH,
    UPDATE_BODY,
    Endpoint({
      operationId,
      summary,
      scope: 'tasks:write',
      description: description === undefined ? UPDATE_RULES : `${description} ${UPDATE_RULES}`,
      errors: [
        [
          400,
          { field: 'project_id', message: 'the task is already in this project' },
          'project_id: the task is already in this project',
        ],
        401,
        [403, 'only editors of the project may change title; the assignee may change status only'],
        [404, 'task not found'],
        ARCHIVED_PROJECT,
        412,
        413,
        415,
        429,
      ],
    }),
    ApiOkResponse({ type: TaskResponseDto, headers: ETAG_HEADER }),
  );
}

function withEtag(reply: FastifyReply, result: TaskWithEtag): TaskResponseDto {
  void reply.header('ETag', result.etag);
  return result.task;
}

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Endpoint({
    operationId: 'createTask',
    scope: 'tasks:write',
    summary: "Create a task in a project (by default the caller's inbox)",
    description:
      'Defaults: `description` "", `status` pending, `priority` medium, `due_date` and ' +
      "`assignee_id` null, `project_id` the caller's inbox. The project needs the editor role: " +
      'one the caller cannot see answers 404, one where it is a viewer 403, an archived one 409. ' +
      "The caller becomes the task's creator (`user_id`). With an `Idempotency-Key` (kept 24 " +
      'hours per user), a retry with the same body answers the original 201, body and headers ' +
      'again (with `Idempotent-Replayed: true`) without creating anything; the same key with ' +
      'another body answers 422; a retry while the first request is still running answers 409. ' +
      'A request that fails forgets its key.',
    errors: [
      400,
      401,
      [403, 'viewers of a project may not create or move tasks into it'],
      [404, 'project not found'],
      409,
      413,
      415,
      422,
      429,
    ],
  })
  @ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description: '1 to 255 printable ASCII characters, unique per intended creation',
    schema: { type: 'string', minLength: 1, maxLength: 255, example: 'b7d1c6e0-create-1' },
  })
  @ApiBody({
    type: CreateTaskDto,
    examples: {
      task: {
        value: {
          title: '完成项目文档',
          description: '编写项目的技术文档',
          priority: 'high',
          due_date: '2026-02-01T00:00:00Z',
        },
      },
    },
  })
  @ApiCreatedResponse({
    type: TaskResponseDto,
    headers: {
      Location: {
        description: 'URL of the new task',
        schema: { type: 'string', example: '/api/v1/tasks/42' },
      },
      ...ETAG_HEADER,
      'Idempotent-Replayed': {
        description: '`true` when this is a replay of an earlier request with the same key',
        schema: { type: 'string', enum: ['true'] },
      },
    },
  })
  async create(
    @CurrentUser() caller: AuthUser,
    @Body() dto: CreateTaskDto,
    @IdempotencyKeyHeader() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TaskResponseDto> {
    const result = await this.tasks.create(caller.id, dto, idempotencyKey);
    void reply.status(result.status).headers(result.headers);
    if (result.replayed) void reply.header('Idempotent-Replayed', 'true');
    return result.body as TaskResponseDto;
  }

  @Get()
  @Endpoint({
    operationId: 'listTasks',
    scope: 'tasks:read',
    summary: "List the tasks the caller can see: its projects' tasks and those assigned to it",
    description:
      'A JSON array of one page. `X-Total-Count` is the number of matches of the filters; `Link` ' +
      'has `first` and `last` always and `prev`/`next` where they exist, each URL keeping the ' +
      'other query parameters. A page past the last answers an empty array. Invalid values of ' +
      'known parameters answer 400 naming the field; unknown parameters are ignored. Lists are ' +
      'never cached: they always come from MySQL, so they reflect every committed write at once.',
    errors: [400, 401, 429],
  })
  @ApiOkResponse({
    type: [TaskResponseDto],
    headers: {
      'X-Total-Count': {
        description: 'Number of tasks matching the filters, over all pages',
        schema: { type: 'integer', example: 57 },
      },
      Link: {
        description: 'RFC 8288 paging links (rel first, last, and prev/next where they exist)',
        schema: {
          type: 'string',
          example:
            '</api/v1/tasks?page_size=20&page=2>; rel="next", </api/v1/tasks?page_size=20&page=1>; rel="first", </api/v1/tasks?page_size=20&page=3>; rel="last"',
        },
      },
    },
  })
  async list(
    @CurrentUser() caller: AuthUser,
    @Query() query: ListTasksQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TaskResponseDto[]> {
    const page = await this.tasks.list(caller.id, query);
    const rawQuery = request.url.includes('?')
      ? request.url.slice(request.url.indexOf('?') + 1)
      : '';
    void reply
      .header('X-Total-Count', String(page.total))
      .header('Link', pageLinkHeader(TASKS_PATH, rawQuery, page));
    return page.items;
  }

  @Get('stats')
  @Endpoint({
    operationId: 'getTaskStats',
    scope: 'tasks:read',
    summary: 'Counts over the tasks the caller can see (not deleted), optionally of some projects',
    description:
      'Every key is present, 0 when empty. `overdue`: due in the past and not completed. ' +
      '`completion_rate` = completed / total as a number from 0 to 1, and 0 when total is 0. ' +
      '`project_id` (one id or a comma list) counts only the tasks of those projects; projects ' +
      'the caller cannot see count nothing. Never cached: always counted in MySQL.',
    errors: [
      [
        400,
        {
          field: 'project_id',
          message: 'project_id must be a positive integer or a comma list of them',
        },
      ],
      401,
      429,
    ],
  })
  @ApiOkResponse({ type: TaskStatsResponseDto })
  stats(
    @CurrentUser() caller: AuthUser,
    @Query() query: TaskStatsQuery,
  ): Promise<TaskStatsResponseDto> {
    return this.tasks.stats(caller.id, query);
  }

  @Get(':id')
  @ID_PARAM
  @Endpoint({
    operationId: 'getTask',
    scope: 'tasks:read',
    summary: 'One task the caller can see (of one of its projects, or assigned to it)',
    description:
      'Served from a Redis cache when possible (`X-Cache: HIT`), else from MySQL (`MISS`). Every ' +
      'write updates or retires the cached task before it answers, so a read on any instance ' +
      'right after a write sees it, including a change of assignee or a delete.',
    errors: [BAD_ID_ERROR, 401, [404, 'task not found'], 429],
  })
  @ApiOkResponse({
    type: TaskResponseDto,
    headers: {
      ...ETAG_HEADER,
      'X-Cache': {
        description:
          '`HIT` when the task came from the cache, `MISS` when it was read from MySQL ' +
          '(also while the cache is unavailable)',
        schema: { type: 'string', enum: ['HIT', 'MISS'] },
      },
    },
  })
  async get(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) id: number,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TaskResponseDto> {
    const result = await this.tasks.get(caller.id, id);
    void reply.header('X-Cache', result.cache);
    return withEtag(reply, result);
  }

  @Put(':id')
  @UpdateEndpoint(
    'putTask',
    'Update a task (partial, the same as PATCH)',
    'Kept for clients of the original design: only the fields sent change, as with PATCH.',
  )
  async put(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateTaskDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TaskResponseDto> {
    return withEtag(reply, await this.tasks.update(caller.id, id, dto, ifMatch));
  }

  @Patch(':id')
  @UpdateEndpoint('updateTask', 'Update a task (partial)')
  async patch(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateTaskDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TaskResponseDto> {
    return withEtag(reply, await this.tasks.update(caller.id, id, dto, ifMatch));
  }

  @Delete(':id')
  @ID_PARAM
  @IF_MATCH
  @Endpoint({
    operationId: 'deleteTask',
    scope: 'tasks:write',
    summary: "Delete a task (soft; editors of the task's project)",
    description:
      'Afterwards the task answers 404 everywhere and leaves every list and count. A viewer of ' +
      'the project, or an assignee who is no editor, gets 403; a task of an archived project 409.',
    errors: [
      BAD_ID_ERROR,
      401,
      [403, 'only editors of the project may delete the task'],
      [404, 'task not found'],
      ARCHIVED_PROJECT,
      412,
      429,
    ],
  })
  @ApiOkResponse({ type: TaskDeletedResponseDto })
  async delete(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) id: number,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<TaskDeletedResponseDto> {
    await this.tasks.delete(caller.id, id, ifMatch);
    return { message: 'Task deleted successfully' };
  }
}
