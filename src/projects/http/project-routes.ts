import { applyDecorators } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
} from '@nestjs/swagger';
import { ApiErrorResponses } from '../../common/decorators/api-error-responses.decorator';
import { ErrorResponseDto } from '../../common/errors/error-body';
import { CreateProjectDto } from './dto/create-project.dto';
import { ProjectMemberResponseDto } from './dto/project-member-response.dto';
import { ProjectResponseDto } from './dto/project-response.dto';
import { SetProjectMemberDto } from './dto/set-project-member.dto';
import { UpdateProjectDto } from './dto/update-project.dto';

/**
 * The OpenAPI documentation of the projects routes, one composite decorator per route, so the
 * controllers read as HTTP in, one service call, DTO out.
 */

/** The tag of every projects route; its description is in src/common/http/swagger.ts. */
export const PROJECTS_TAG = 'projects';
const TOTAL_AND_LINK = {
  'X-Total-Count': {
    description: "Number of the caller's projects matching `archived`, over all pages",
    schema: { type: 'integer', example: 3 },
  },
  Link: {
    description: 'RFC 8288 paging links (rel first, last, and prev/next where they exist)',
    schema: {
      type: 'string',
      example:
        '</api/v1/projects?page_size=20&page=2>; rel="next", </api/v1/projects?page_size=20&page=1>; rel="first", </api/v1/projects?page_size=20&page=2>; rel="last"',
    },
  },
};

const PROJECT_ID = ApiParam({
  name: 'id',
  description: 'Project id (positive integer)',
  schema: { type: 'integer', minimum: 1, maximum: 4294967295 },
});

const USER_ID = ApiParam({
  name: 'user_id',
  description: 'Id of the user (positive integer)',
  schema: { type: 'integer', minimum: 1, maximum: 4294967295 },
});

const CODES: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
};

/** Named examples of one error status, merged into the ApiErrorResponses entry of that status. */
function errorExamples(
  status: 400 | 403 | 404 | 409,
  examples: Record<
    string,
    string | { error: string; details: Array<{ field: string; message: string }> }
  >,
): MethodDecorator {
  return ApiResponse({
    status,
    type: ErrorResponseDto,
    examples: Object.fromEntries(
      Object.entries(examples).map(([name, example]) => {
        const body = typeof example === 'string' ? { error: example } : example;
        return [
          name,
          {
            summary: body.error,
            value: {
              ...body,
              code: CODES[status],
              request_id: 'f3b9c2de-5d1c-4f0e-9a57-0c1c9b4e2a10',
            },
          },
        ];
      }),
    ),
  });
}

const NOT_A_MEMBER = errorExamples(404, { notFound: 'project not found' });

const BAD_ID = {
  error: 'id: id must be a positive integer',
  details: [{ field: 'id', message: 'id must be a positive integer' }],
};

export const CreateProjectRoute = (): MethodDecorator =>
  applyDecorators(
    ApiOperation({
      operationId: 'createProject',
      summary: 'Create a project owned by the caller',
      description: 'The caller becomes its `owner` and only member.',
    }),
    ApiBody({
      type: CreateProjectDto,
      examples: { project: { value: { name: '发布计划', description: 'Spring release' } } },
    }),
    ApiCreatedResponse({
      type: ProjectResponseDto,
      headers: {
        Location: {
          description: 'URL of the new project',
          schema: { type: 'string', example: '/api/v1/projects/12' },
        },
      },
    }),
    ApiErrorResponses(400, 401, 413, 415, 429),
    errorExamples(400, {
      nameTooLong: {
        error: 'Validation failed: name',
        details: [
          { field: 'name', message: 'name must be shorter than or equal to 100 characters' },
        ],
      },
    }),
  );

export const ListProjectsRoute = (): MethodDecorator =>
  applyDecorators(
    ApiOperation({
      operationId: 'listProjects',
      summary: "The caller's projects: the inbox first, then by name",
      description:
        'Live projects (or, with `archived=true`, the archived ones) the caller is a member of, ' +
        'ordered inbox first, then by name, then by id; paged like tasks: a JSON array of one ' +
        'page, `X-Total-Count` and `Link`. A page past the last answers an empty array.',
    }),
    ApiOkResponse({ type: [ProjectResponseDto], headers: TOTAL_AND_LINK }),
    ApiErrorResponses(400, 401, 429),
    errorExamples(400, {
      pageSize: {
        error: 'Validation failed: page_size',
        details: [{ field: 'page_size', message: 'page_size must not be greater than 100' }],
      },
    }),
  );

export const GetProjectRoute = (): MethodDecorator =>
  applyDecorators(
    PROJECT_ID,
    ApiOperation({ operationId: 'getProject', summary: 'One project the caller is a member of' }),
    ApiOkResponse({ type: ProjectResponseDto }),
    ApiErrorResponses(400, 401, 404, 429),
    errorExamples(400, { badId: BAD_ID }),
    NOT_A_MEMBER,
  );

export const UpdateProjectRoute = (): MethodDecorator =>
  applyDecorators(
    PROJECT_ID,
    ApiOperation({
      operationId: 'updateProject',
      summary: 'Rename, describe, archive or unarchive a project (admin)',
      description:
        'Partial: only the fields sent change, at least one. `archived: true` archives the ' +
        'project: its tasks stay readable, but creating or changing them answers 409 until ' +
        '`archived: false`; archiving an archived project keeps its `archived_at`. The inbox ' +
        'cannot be renamed or archived (409); its description may change.',
    }),
    ApiBody({
      type: UpdateProjectDto,
      examples: {
        rename: { value: { name: 'Release 2.0' } },
        archive: { value: { archived: true } },
      },
    }),
    ApiOkResponse({ type: ProjectResponseDto }),
    ApiErrorResponses(400, 401, 403, 404, 409, 413, 415, 429),
    errorExamples(400, {
      empty: {
        error: 'body: send at least one field to change',
        details: [{ field: 'body', message: 'send at least one of name, description, archived' }],
      },
    }),
    errorExamples(403, { notAdmin: 'only an admin or the owner can change the project' }),
    NOT_A_MEMBER,
    errorExamples(409, {
      archiveInbox: 'the inbox cannot be archived',
      renameInbox: 'the inbox cannot be renamed',
    }),
  );

export const DeleteProjectRoute = (): MethodDecorator =>
  applyDecorators(
    PROJECT_ID,
    ApiOperation({
      operationId: 'deleteProject',
      summary: 'Delete a project and its tasks (owner; soft)',
      description:
        'Afterwards the project and every task of it answer 404 everywhere, for every member ' +
        '(assignees included), and leave every list and count. The inbox cannot be deleted (409).',
    }),
    ApiNoContentResponse({ description: 'Deleted' }),
    ApiErrorResponses(400, 401, 403, 404, 409, 429),
    errorExamples(403, { notOwner: 'only the owner can delete the project' }),
    NOT_A_MEMBER,
    errorExamples(409, { inbox: 'the inbox cannot be deleted' }),
  );

export const ListProjectMembersRoute = (): MethodDecorator =>
  applyDecorators(
    PROJECT_ID,
    ApiOperation({
      operationId: 'listProjectMembers',
      summary: 'The members of a project (any member may list them)',
      description: 'Every member, highest role first, then by username. Not paged.',
    }),
    ApiOkResponse({ type: [ProjectMemberResponseDto] }),
    ApiErrorResponses(400, 401, 404, 429),
    NOT_A_MEMBER,
  );

export const SetProjectMemberRoute = (): MethodDecorator =>
  applyDecorators(
    PROJECT_ID,
    USER_ID,
    ApiOperation({
      operationId: 'setProjectMember',
      summary: 'Add a user to a project, change its role, or transfer ownership (admin)',
      description:
        'Adds the user (201, and the user gets a `project_added` notification) or changes its ' +
        'role (200; the same role again changes nothing). An admin manages editors and viewers; ' +
        'only the owner makes or unmakes an admin. `{"role": "owner"}` by the owner transfers ' +
        'ownership to a member (the old owner becomes `admin`). The owner keeps its role until ' +
        'it transfers ownership (409). An inbox cannot be shared (409). The change applies on ' +
        'every instance before the answer.',
    }),
    ApiBody({
      type: SetProjectMemberDto,
      examples: {
        add: { value: { role: 'editor' } },
        transfer: { value: { role: 'owner' } },
      },
    }),
    ApiOkResponse({ type: ProjectMemberResponseDto, description: 'Role changed (or unchanged)' }),
    ApiCreatedResponse({ type: ProjectMemberResponseDto, description: 'User added' }),
    ApiErrorResponses(400, 401, 403, 404, 409, 413, 415, 429),
    errorExamples(400, {
      role: {
        error: 'Validation failed: role',
        details: [
          {
            field: 'role',
            message: 'role must be one of the following values: viewer, editor, admin, owner',
          },
        ],
      },
      userId: {
        error: 'user_id: user_id must be a positive integer',
        details: [{ field: 'user_id', message: 'user_id must be a positive integer' }],
      },
    }),
    errorExamples(403, {
      admin: 'only the owner can make or unmake an admin',
      transfer: 'only the owner can transfer ownership',
    }),
    errorExamples(404, { project: 'project not found', user: 'user not found' }),
    errorExamples(409, {
      inbox: 'an inbox cannot be shared; create a project instead',
      owner: 'the owner keeps its role until it transfers ownership (set another member to owner)',
      transferToStranger:
        'ownership can only be transferred to a member of the project; add the user first',
    }),
  );

export const RemoveProjectMemberRoute = (): MethodDecorator =>
  applyDecorators(
    PROJECT_ID,
    USER_ID,
    ApiOperation({
      operationId: 'removeProjectMember',
      summary: 'Remove a member (admin), or leave a project (the member itself)',
      description:
        'An admin removes editors and viewers, the owner anyone else; any member may leave. ' +
        'The owner can neither leave nor be removed (409): it transfers ownership first. The ' +
        "removed user loses access to the project's tasks at once (except tasks assigned to it), " +
        'on every instance.',
    }),
    ApiNoContentResponse({ description: 'Removed' }),
    ApiErrorResponses(400, 401, 403, 404, 409, 429),
    errorExamples(403, { admin: 'only the owner can remove an admin' }),
    errorExamples(404, { project: 'project not found', member: 'member not found' }),
    errorExamples(409, {
      owner: 'the owner cannot leave or be removed; transfer ownership to another member first',
    }),
  );
