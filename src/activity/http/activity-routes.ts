import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { ErrorSpec } from '../../common/decorators/api-error-responses.decorator';
import { Endpoint } from '../../common/decorators/endpoint.decorator';
import { ActivityEntryResponseDto } from '../dto/activity-entry-response.dto';
import { ApiIdParam, BAD_ID_ERROR } from '../../common/decorators/api-id-param.decorator';

/** The tag of the activity routes; its description is in src/common/http/swagger.ts. */
export const ACTIVITY_TAG = 'activity';

const pagingHeaders = (what: string, path: string) => ({
  'X-Total-Count': {
    description: `Number of entries of the ${what}, over all pages`,
    schema: { type: 'integer', example: 23 },
  },
  Link: {
    description: 'RFC 8288 paging links (rel first, last, and prev/next where they exist)',
    schema: {
      type: 'string',
      example: `<${path}?page=2>; rel="next", <${path}?page=1>; rel="first", <${path}?page=2>; rel="last"`,
    },
  },
});

const ID = (what: string) => ApiIdParam('id', `${what} id (positive integer)`);

const BAD_PAGE_SIZE: ErrorSpec = [
  400,
  { field: 'page_size', message: 'page_size must not be greater than 100' },
];

const PAGING =
  'Paged like tasks (`page`, `page_size` up to 100, default 20): a JSON array of one page, ' +
  '`X-Total-Count` and `Link`; a page past the last answers an empty array.';

export const ListTaskActivityRoute = (): MethodDecorator =>
  applyDecorators(
    ID('Task'),
    Endpoint({
      operationId: 'listTaskActivity',
      scope: 'tasks:read',
      summary: "A task's activity history, oldest first",
      description:
        'Anyone who sees the task (its project members and its assignee). One entry per ' +
        'change: `created`, `updated`, `moved`, `commented`, `attachment_added`, ' +
        '`attachment_removed`, each with who made it and, in `changes`, every field the write ' +
        'changed with its old and new value. Written in the same transaction as the change: ' +
        'never lost, never twice, none for a write that failed or changed nothing. ' +
        PAGING,
      errors: [BAD_PAGE_SIZE, 401, [404, 'task not found'], 429],
    }),
    ApiOkResponse({
      type: [ActivityEntryResponseDto],
      headers: pagingHeaders('task', '/api/v1/tasks/42/activity'),
    }),
  );

export const ListProjectActivityRoute = (): MethodDecorator =>
  applyDecorators(
    ID('Project'),
    Endpoint({
      operationId: 'listProjectActivity',
      scope: 'projects:read',
      summary: "The activity of a project's tasks, newest first (members)",
      description:
        "The same entries as the tasks' feeds, for every live task of the project, each " +
        'filed under the project the task was in when it happened (a move is filed under the ' +
        'new project; earlier entries stay with the old one). Entries of deleted tasks leave ' +
        'the feed. Members only: anyone else (an assignee outside the project included) gets ' +
        '404. ' +
        PAGING,
      errors: [BAD_ID_ERROR, 401, [404, 'project not found'], 429],
    }),
    ApiOkResponse({
      type: [ActivityEntryResponseDto],
      headers: pagingHeaders('project', '/api/v1/projects/3/activity'),
    }),
  );
