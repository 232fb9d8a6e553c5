import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../errors/error-body';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Validation failed (`VALIDATION_FAILED`), with `details` per field',
  401: 'Missing, expired or invalid credentials (`UNAUTHORIZED`)',
  403: 'Not allowed for the caller (`FORBIDDEN`)',
  404: 'Not found, or not visible to the caller (`NOT_FOUND`)',
  409: 'Conflict with the current state (`CONFLICT`)',
  412: 'If-Match does not match the current ETag (`PRECONDITION_FAILED`)',
  413: 'Body larger than the limit (`PAYLOAD_TOO_LARGE`)',
  415: 'Body is not application/json (`UNSUPPORTED_MEDIA_TYPE`)',
  422: 'Idempotency-Key reused with a different body (`IDEMPOTENCY_MISMATCH`)',
  429: 'Rate limit exceeded (`RATE_LIMITED`); see Retry-After',
  503: 'A dependency is unavailable (`SERVICE_UNAVAILABLE`)',
};

/** Documents the contract's error body for each listed status (and 503, which any route may answer). */
export function ApiErrorResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...[...new Set([...statuses, 503])].map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorResponseDto }),
    ),
  );
}
