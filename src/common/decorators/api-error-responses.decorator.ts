import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { FieldError } from '../errors/domain-errors';
import { ErrorResponseDto } from '../errors/error-body';

/** The error statuses a route may document; each has its own description and example. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 416 | 422 | 429 | 503;

interface ErrorDoc {
  description: string;
  example: Pick<ErrorResponseDto, 'error' | 'code'> & Partial<ErrorResponseDto>;
}

/**
 * One description and example per status, so that a client generator or a reader of the
 * Swagger UI sees the body each status really has (a 401 never shows a validation error).
 */
const ERRORS: Record<ErrorStatus, ErrorDoc> = {
  400: {
    description: 'Validation failed (`VALIDATION_FAILED`), with `details` per field',
    example: {
      error: 'Validation failed',
      code: 'VALIDATION_FAILED',
      details: [
        {
          field: 'priority',
          message: 'priority must be one of the following values: low, medium, high',
        },
      ],
    },
  },
  401: {
    description: 'Missing, expired or invalid credentials (`UNAUTHORIZED`)',
    example: { error: 'missing or invalid access token', code: 'UNAUTHORIZED' },
  },
  403: {
    description: 'Not allowed for the caller (`FORBIDDEN`)',
    example: { error: 'only the owner may change this field', code: 'FORBIDDEN' },
  },
  404: {
    description: 'Not found, or not visible to the caller (`NOT_FOUND`)',
    example: { error: 'not found', code: 'NOT_FOUND' },
  },
  409: {
    description: 'Conflict with the current state (`CONFLICT`)',
    example: {
      error: 'a request with this Idempotency-Key is still in progress; retry later',
      code: 'CONFLICT',
    },
  },
  412: {
    description: 'If-Match does not match the current ETag (`PRECONDITION_FAILED`)',
    example: {
      error: 'the task has changed since the ETag in If-Match; fetch it again and retry',
      code: 'PRECONDITION_FAILED',
    },
  },
  413: {
    description: 'Body larger than the limit (`PAYLOAD_TOO_LARGE`)',
    example: { error: 'Request body is too large', code: 'PAYLOAD_TOO_LARGE' },
  },
  415: {
    description: 'Body is not application/json (`UNSUPPORTED_MEDIA_TYPE`)',
    example: {
      error: 'Unsupported Content-Type: send application/json',
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
  },
  416: {
    description:
      'The `Range` starts past the end of the file (`VALIDATION_FAILED`, with ' +
      '`Content-Range: bytes */<size>`)',
    example: {
      error: 'Range: the file has 5120 bytes; ask for a range that starts before its end',
      code: 'VALIDATION_FAILED',
    },
  },
  422: {
    description: 'Idempotency-Key reused with a different body (`IDEMPOTENCY_MISMATCH`)',
    example: {
      error: 'this Idempotency-Key was already used with a different request body',
      code: 'IDEMPOTENCY_MISMATCH',
    },
  },
  429: {
    description: 'Rate limit exceeded (`RATE_LIMITED`); see Retry-After',
    example: { error: 'Rate limit exceeded; retry in 42 s', code: 'RATE_LIMITED' },
  },
  503: {
    description: 'A dependency is unavailable or the service is overloaded (`SERVICE_UNAVAILABLE`)',
    example: {
      error: 'The database is unavailable; try again shortly',
      code: 'SERVICE_UNAVAILABLE',
    },
  },
};

const REQUEST_ID_EXAMPLE = 'f3b9c2de-5d1c-4f0e-9a57-0c1c9b4e2a10';

/**
 * A status, or a status with the message this route answers it with (for its example), or a 400
 * with a field error this route reports, so the example names one of its own fields instead of
 * the generic `priority`; its message defaults to the validation pipe's (`Validation failed:
 * <field>`), while errors raised for one field by a pipe or service read `<field>: <message>`.
 */
export type ErrorSpec =
  | ErrorStatus
  | [status: ErrorStatus, message: string]
  | [status: 400, detail: FieldError, message?: string];

/** The example body fields a spec overrides: the message, and for a field error its details. */
type ExampleOverride = Pick<ErrorResponseDto, 'error'> & Partial<Pick<ErrorResponseDto, 'details'>>;

function overrideOf(spec: ErrorSpec): [ErrorStatus, ExampleOverride | undefined] {
  if (!Array.isArray(spec)) return [spec, undefined];
  const [status, detail, message] = spec;
  if (typeof detail === 'string') return [status, { error: detail }];
  return [status, { error: message ?? `Validation failed: ${detail.field}`, details: [detail] }];
}

/** Documents the contract's error body for each listed status (and 503, which any route may answer). */
export function ApiErrorResponses(...specs: ErrorSpec[]): MethodDecorator & ClassDecorator {
  const overrides = new Map<ErrorStatus, ExampleOverride | undefined>(specs.map(overrideOf));
  if (!overrides.has(503)) overrides.set(503, undefined);
  return applyDecorators(
    ApiExtraModels(ErrorResponseDto),
    ...[...overrides].map(([status, override]) => {
      const { description, example } = ERRORS[status];
      const { details, ...head } = { ...example, ...override };
      return ApiResponse({
        status,
        description,
        content: {
          'application/json': {
            schema: { $ref: getSchemaPath(ErrorResponseDto) },
            // request_id sits before details, as the service writes it.
            example: {
              ...head,
              request_id: REQUEST_ID_EXAMPLE,
              ...(details ? { details } : {}),
            },
          },
        },
      });
    }),
  );
}
