import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import type { ErrorSpec } from '../../common/decorators/api-error-responses.decorator';
import { Endpoint } from '../../common/decorators/endpoint.decorator';
import { CommentBodyDto } from '../dto/comment-body.dto';
import { CommentResponseDto } from '../dto/comment-response.dto';
import { INVALID_COMMENT_ID_MESSAGE } from './parse-comment-id.pipe';
import { ApiIdParam, BAD_ID_ERROR } from '../../common/decorators/api-id-param.decorator';

/**
 * The OpenAPI documentation of the comments routes, one composite decorator per route, so the
 * controller reads as HTTP in, one service call, DTO out.
 */

/** The tag of every comments route; its description is in src/common/http/swagger.ts. */
export const COMMENTS_TAG = 'comments';

const TASK_ID = ApiIdParam('id', 'Task id (positive integer)');

const COMMENT_ID = ApiIdParam(
  'comment_id',
  'Comment id (positive integer); a comment of another task answers 404',
);

const BAD_COMMENT_ID: ErrorSpec = [
  400,
  { field: 'comment_id', message: INVALID_COMMENT_ID_MESSAGE },
  `comment_id: ${INVALID_COMMENT_ID_MESSAGE}`,
];
const BAD_BODY: ErrorSpec = [
  400,
  { field: 'body', message: 'body must be longer than or equal to 1 characters' },
];
const TASK_NOT_FOUND: ErrorSpec = [404, 'task not found'];
const COMMENT_NOT_FOUND: ErrorSpec = [404, 'comment not found'];
const ARCHIVED: ErrorSpec = [
  409,
  'the project is archived: its tasks cannot be created or changed until it is unarchived',
];

const BODY = ApiBody({
  type: CommentBodyDto,
  examples: {
    comment: { value: { body: 'Fixed in the last build, @alice please check' } },
    chinese: { value: { body: '@alice 请看一下登录页的修复' } },
  },
});

const MENTIONS =
  '`@username` (case-insensitive) mentions a user who can see the task (a member of its ' +
  'project, or its assignee): it is listed in `mentions`; anyone else is neither listed nor ' +
  'told. At most 50 distinct names of a body are looked at.';

export const ListCommentsRoute = (): MethodDecorator =>
  applyDecorators(
    TASK_ID,
    Endpoint({
      operationId: 'listTaskComments',
      scope: 'tasks:read',
      summary: "A task's comments, oldest first",
      description:
        'Anyone who sees the task. Paged like tasks: a JSON array of one page, `X-Total-Count` ' +
        'and `Link`. A page past the last answers an empty array. Comments of an archived ' +
        "project's tasks stay readable.",
      errors: [
        [400, { field: 'page_size', message: 'page_size must not be greater than 100' }],
        401,
        TASK_NOT_FOUND,
        429,
      ],
    }),
    ApiOkResponse({
      type: [CommentResponseDto],
      headers: {
        'X-Total-Count': {
          description: "Number of the task's comments, over all pages",
          schema: { type: 'integer', example: 3 },
        },
        Link: {
          description: 'RFC 8288 paging links (rel first, last, and prev/next where they exist)',
          schema: {
            type: 'string',
            example:
              '</api/v1/tasks/42/comments?page_size=20&page=2>; rel="next", </api/v1/tasks/42/comments?page_size=20&page=1>; rel="first", </api/v1/tasks/42/comments?page_size=20&page=2>; rel="last"',
          },
        },
      },
    }),
  );

export const CreateCommentRoute = (): MethodDecorator =>
  applyDecorators(
    TASK_ID,
    Endpoint({
      operationId: 'createComment',
      scope: 'tasks:write',
      summary: 'Comment on a task',
      description:
        `Anyone who sees the task, viewers and an assignee outside the project included. ${MENTIONS} ` +
        "Each mentioned user but the author gets one `mentioned` notification; the task's " +
        'creator and assignee (but the author, and those mentioned) get `commented`; webhooks ' +
        'subscribed to `comment.created` receive it. In an archived project: 409.',
      errors: [BAD_BODY, 401, TASK_NOT_FOUND, ARCHIVED, 413, 415, 429],
    }),
    BODY,
    ApiCreatedResponse({
      type: CommentResponseDto,
      headers: {
        Location: {
          description: 'URL of the new comment',
          schema: { type: 'string', example: '/api/v1/tasks/42/comments/31' },
        },
      },
    }),
  );

export const GetCommentRoute = (): MethodDecorator =>
  applyDecorators(
    TASK_ID,
    COMMENT_ID,
    Endpoint({
      operationId: 'getComment',
      scope: 'tasks:read',
      summary: 'One comment of a task',
      description: 'Anyone who sees the task (the `Location` of a new comment).',
      errors: [BAD_COMMENT_ID, 401, COMMENT_NOT_FOUND, 429],
    }),
    ApiOkResponse({ type: CommentResponseDto }),
  );

export const UpdateCommentRoute = (): MethodDecorator =>
  applyDecorators(
    TASK_ID,
    COMMENT_ID,
    Endpoint({
      operationId: 'updateComment',
      scope: 'tasks:write',
      summary: "Change a comment's text (its author)",
      description:
        `Its author only; anyone else who sees the task gets 403. Sets \`edited_at\`. ${MENTIONS} ` +
        'Mentions are resolved again: users mentioned for the first time by this edit get a ' +
        '`mentioned` notification, users the comment mentioned before are not told again. In ' +
        'an archived project: 409.',
      errors: [
        BAD_ID_ERROR,
        401,
        [403, 'only its author may edit a comment'],
        COMMENT_NOT_FOUND,
        ARCHIVED,
        413,
        415,
        429,
      ],
    }),
    BODY,
    ApiOkResponse({ type: CommentResponseDto }),
  );

export const DeleteCommentRoute = (): MethodDecorator =>
  applyDecorators(
    TASK_ID,
    COMMENT_ID,
    Endpoint({
      operationId: 'deleteComment',
      scope: 'tasks:write',
      summary: 'Delete a comment (its author, or an admin of the project)',
      description:
        "Its author, or an admin (or the owner) of the task's project; anyone else who sees " +
        'the task gets 403. The comment is removed for good. In an archived project: 409.',
      errors: [
        BAD_COMMENT_ID,
        401,
        [403, 'only its author or an admin of the project may delete a comment'],
        COMMENT_NOT_FOUND,
        ARCHIVED,
        429,
      ],
    }),
    ApiNoContentResponse({ description: 'Deleted' }),
  );
