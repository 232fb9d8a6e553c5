import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import type { ErrorSpec } from '../../common/decorators/api-error-responses.decorator';
import { Endpoint } from '../../common/decorators/endpoint.decorator';
import { CreateProjectDto } from './dto/create-project.dto';
import { ProjectMemberResponseDto } from './dto/project-member-response.dto';
import { ProjectResponseDto } from './dto/project-response.dto';
import { SetProjectMemberDto } from './dto/set-project-member.dto';
import { UpdateProjectDto } from './dto/update-project.dto';
import { ApiIdParam, BAD_ID_ERROR } from '../../common/decorators/api-id-param.decorator';

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

const PROJECT_ID = ApiIdParam('id', 'Project id (positive integer)');

const USER_ID = ApiIdParam('user_id', 'Id of the user (positive integer)');

/** A project id in the path that is no canonical positive integer (ParseIdPipe's answer). */

/** A project the caller is no member of answers as one that does not exist. */
const PROJECT_NOT_FOUND: ErrorSpec = [404, 'project not found'];

export const CreateProjectRoute = (): MethodDecorator =>
  applyDecorators(
    Endpoint({
      operationId: 'createProject',
      scope: 'projects:write',
      summary: 'Create a project owned by the caller',
      description: 'The caller becomes its `owner` and only member.',
      errors: [
        [400, { field: 'name', message: 'name must be shorter than or equal to 100 characters' }],
        401,
        413,
        415,
        429,
      ],
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
  );

export const ListProjectsRoute = (): MethodDecorator =>
  applyDecorators(
    Endpoint({
      operationId: 'listProjects',
      scope: 'projects:read',
      summary: "The caller's projects: the inbox first, then by name",
      description:
        'Live projects (or, with `archived=true`, the archived ones) the caller is a member of, ' +
        'ordered inbox first, then by name, then by id; paged like tasks: a JSON array of one ' +
        'page, `X-Total-Count` and `Link`. A page past the last answers an empty array.',
      errors: [
        [400, { field: 'page_size', message: 'page_size must not be greater than 100' }],
        401,
        429,
      ],
    }),
    ApiOkResponse({ type: [ProjectResponseDto], headers: TOTAL_AND_LINK }),
  );

export const GetProjectRoute = (): MethodDecorator =>
  applyDecorators(
    PROJECT_ID,
    Endpoint({
      operationId: 'getProject',
      scope: 'projects:read',
      summary: 'One project the caller is a member of',
      errors: [BAD_ID_ERROR, 401, PROJECT_NOT_FOUND, 429],
    }),
    ApiOkResponse({ type: ProjectResponseDto }),
  );

export const UpdateProjectRoute = (): MethodDecorator =>
  applyDecorators(
    PROJECT_ID,
    Endpoint({
      operationId: 'updateProject',
      scope: 'projects:write',
      summary: 'Rename, describe, archive or unarchive a project (admin)',
      description:
        'Partial: only the fields sent change, at least one (an empty body is 400). ' +
        '`archived: true` archives the project: its tasks stay readable, but creating, changing ' +
        'or deleting them answers 409 until `archived: false`; archiving an archived project ' +
        'keeps its `archived_at`. A member below admin gets 403. The inbox cannot be renamed or ' +
        'archived (409); its description may change.',
      errors: [
        [
          400,
          { field: 'body', message: 'send at least one of name, description, archived' },
          'body: send at least one field to change',
        ],
        401,
        [403, 'only an admin or the owner can change the project'],
        PROJECT_NOT_FOUND,
        [409, 'the inbox cannot be archived'],
        413,
        415,
        429,
      ],
    }),
    ApiBody({
      type: UpdateProjectDto,
      examples: {
        rename: { value: { name: 'Release 2.0' } },
        archive: { value: { archived: true } },
      },
    }),
    ApiOkResponse({ type: ProjectResponseDto }),
  );

export const DeleteProjectRoute = (): MethodDecorator =>
  applyDecorators(
    PROJECT_ID,
    Endpoint({
      operationId: 'deleteProject',
      scope: 'projects:write',
      summary: 'Delete a project and its tasks (owner; soft)',
      description:
        'Afterwards the project and every task of it answer 404 everywhere, for every member ' +
        '(assignees included), and leave every list and count. A member other than the owner ' +
        'gets 403. The inbox cannot be deleted (409).',
      errors: [
        BAD_ID_ERROR,
        401,
        [403, 'only the owner can delete the project'],
        PROJECT_NOT_FOUND,
        [409, 'the inbox cannot be deleted'],
        429,
      ],
    }),
    ApiNoContentResponse({ description: 'Deleted' }),
  );

export const ListProjectMembersRoute = (): MethodDecorator =>
  applyDecorators(
    PROJECT_ID,
    Endpoint({
      operationId: 'listProjectMembers',
      scope: 'projects:read',
      summary: 'The members of a project (any member may list them)',
      description: 'Every member, highest role first, then by username. Not paged.',
      errors: [BAD_ID_ERROR, 401, PROJECT_NOT_FOUND, 429],
    }),
    ApiOkResponse({ type: [ProjectMemberResponseDto] }),
  );

export const SetProjectMemberRoute = (): MethodDecorator =>
  applyDecorators(
    PROJECT_ID,
    USER_ID,
    Endpoint({
      operationId: 'setProjectMember',
      scope: 'projects:write',
      summary: 'Add a user to a project, change its role, or transfer ownership (admin)',
      description:
        'Adds the user (201, and the user gets a `project_added` notification) or changes its ' +
        'role (200; the same role again changes nothing). An admin manages editors and viewers; ' +
        'only the owner makes or unmakes an admin (403). `{"role": "owner"}` by the owner ' +
        'transfers ownership to a member (the old owner becomes `admin`); to a user who is no ' +
        'member it answers 409. The owner keeps its role until it transfers ownership (409). An ' +
        'inbox cannot be shared (409). An unknown project, or one the caller is no member of, ' +
        'answers 404, and so does an unknown user. The change applies on every instance before ' +
        'the answer.',
      errors: [
        [
          400,
          {
            field: 'role',
            message: 'role must be one of the following values: viewer, editor, admin, owner',
          },
        ],
        401,
        [403, 'only the owner can make or unmake an admin'],
        [404, 'user not found'],
        [409, 'an inbox cannot be shared; create a project instead'],
        413,
        415,
        429,
      ],
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
  );

export const RemoveProjectMemberRoute = (): MethodDecorator =>
  applyDecorators(
    PROJECT_ID,
    USER_ID,
    Endpoint({
      operationId: 'removeProjectMember',
      scope: 'projects:write',
      summary: 'Remove a member (admin), or leave a project (the member itself)',
      description:
        'An admin removes editors and viewers, the owner anyone else; any member may leave ' +
        '(others get 403). The owner can neither leave nor be removed (409): it transfers ' +
        'ownership first. A user who is no member answers 404. The removed user loses access ' +
        "to the project's tasks at once (except tasks assigned to it), on every instance.",
      errors: [
        [
          400,
          { field: 'user_id', message: 'user_id must be a positive integer' },
          'user_id: user_id must be a positive integer',
        ],
        401,
        [403, 'only the owner can remove an admin'],
        [404, 'member not found'],
        [409, 'the owner cannot leave or be removed; transfer ownership to another member first'],
        429,
      ],
    }),
    ApiNoContentResponse({ description: 'Removed' }),
  );
