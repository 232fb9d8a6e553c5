import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import type { ErrorSpec } from '../../common/decorators/api-error-responses.decorator';
import { Endpoint } from '../../common/decorators/endpoint.decorator';
import { CreateLabelDto } from './dto/create-label.dto';
import { LabelResponseDto } from './dto/label-response.dto';
import { UpdateLabelDto } from './dto/update-label.dto';
import { ApiIdParam, BAD_ID_ERROR } from '../../common/decorators/api-id-param.decorator';

/**
 * The OpenAPI documentation of the labels routes, one composite decorator per route, so the
 * controller reads as HTTP in, one service call, DTO out.
 */

/** The tag of every labels route; its description is in src/common/http/swagger.ts. */
export const LABELS_TAG = 'labels';

const PROJECT_ID = ApiIdParam('id', 'Project id (positive integer)');

const LABEL_ID = ApiIdParam('id', 'Label id (positive integer)');

const FORBIDDEN: ErrorSpec = [403, 'only editors of the project may manage its labels'];
const ARCHIVED: ErrorSpec = [
  409,
  'the project is archived: its labels cannot be changed until it is unarchived',
];

export const ListProjectLabelsRoute = (): MethodDecorator =>
  applyDecorators(
    PROJECT_ID,
    Endpoint({
      operationId: 'listProjectLabels',
      scope: 'projects:read',
      summary: "A project's labels, by name (any member)",
      description: 'Every label of the project, ordered by name, then id. Not paged.',
      errors: [BAD_ID_ERROR, 401, [404, 'project not found'], 429],
    }),
    ApiOkResponse({ type: [LabelResponseDto] }),
  );

export const CreateLabelRoute = (): MethodDecorator =>
  applyDecorators(
    PROJECT_ID,
    Endpoint({
      operationId: 'createLabel',
      scope: 'projects:write',
      summary: 'Create a label in a project (editor)',
      description:
        'Names are unique in a project case-insensitively: a clash answers 409. A project ' +
        'the caller is no member of answers 404, a viewer 403, an archived project 409.',
      errors: [
        [400, { field: 'color', message: 'color must be a hex colour #rrggbb, e.g. #d73a4a' }],
        401,
        FORBIDDEN,
        [404, 'project not found'],
        [
          409,
          'the project already has a label with this name (names are compared case-insensitively)',
        ],
        413,
        415,
        429,
      ],
    }),
    ApiBody({
      type: CreateLabelDto,
      examples: { label: { value: { name: 'bug', color: '#d73a4a' } } },
    }),
    ApiCreatedResponse({
      type: LabelResponseDto,
      headers: {
        Location: {
          description: 'URL of the new label',
          schema: { type: 'string', example: '/api/v1/labels/4' },
        },
      },
    }),
  );

export const UpdateLabelRoute = (): MethodDecorator =>
  applyDecorators(
    LABEL_ID,
    Endpoint({
      operationId: 'updateLabel',
      scope: 'projects:write',
      summary: 'Rename or recolour a label (editor)',
      description:
        'Partial: only the fields sent change, at least one (an empty body is 400). Every task ' +
        'carrying the label shows the change at once (their `updated_at` and ETag stay: the ' +
        'tasks themselves did not change). A name another label of the project has, in any ' +
        'case, answers 409; an archived project 409.',
      errors: [
        [400, { field: 'name', message: 'name must be shorter than or equal to 50 characters' }],
        401,
        FORBIDDEN,
        [404, 'label not found'],
        ARCHIVED,
        413,
        415,
        429,
      ],
    }),
    ApiBody({
      type: UpdateLabelDto,
      examples: {
        rename: { value: { name: 'defect' } },
        recolour: { value: { color: '#0e8a16' } },
      },
    }),
    ApiOkResponse({ type: LabelResponseDto }),
  );

export const DeleteLabelRoute = (): MethodDecorator =>
  applyDecorators(
    LABEL_ID,
    Endpoint({
      operationId: 'deleteLabel',
      scope: 'projects:write',
      summary: 'Delete a label (editor); it leaves every task',
      description:
        'The label disappears from every task that carried it, in lists, exports and cached ' +
        'reads alike (their `updated_at` and ETag stay, and no task event is sent).',
      errors: [BAD_ID_ERROR, 401, FORBIDDEN, [404, 'label not found'], ARCHIVED, 429],
    }),
    ApiNoContentResponse({ description: 'Deleted' }),
  );
