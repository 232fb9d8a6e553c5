import { ApiParam } from '@nestjs/swagger';
import { INVALID_ID_MESSAGE } from '../http/parse-id.pipe';
import type { ErrorSpec } from './api-error-responses.decorator';

/** The range of every id column (INT UNSIGNED, positive), as ParseIdPipe enforces it. */
const ID_SCHEMA = { type: 'integer', minimum: 1, maximum: 4294967295 } as const;

/** Documents an id path parameter that ParseIdPipe (or a pipe like it) parses. */
export function ApiIdParam(name: string, description: string): MethodDecorator & ClassDecorator {
  return ApiParam({ name, description, schema: ID_SCHEMA });
}

/** The 400 of ParseIdPipe for a bad `id` path parameter. */
export const BAD_ID_ERROR: ErrorSpec = [
  400,
  { field: 'id', message: INVALID_ID_MESSAGE },
  `id: ${INVALID_ID_MESSAGE}`,
];
