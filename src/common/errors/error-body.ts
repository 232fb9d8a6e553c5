import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Machine codes of the contract, by HTTP status. */
export const ERROR_CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  // A request the server cannot take as sent (too slow, URL or headers too long, a Range past
  // the end of the file): the contract has no code of its own for these, so they share the one
  // of a malformed request.
  408: 'VALIDATION_FAILED',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'VALIDATION_FAILED',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  416: 'VALIDATION_FAILED',
  422: 'IDEMPOTENCY_MISMATCH',
  429: 'RATE_LIMITED',
  431: 'VALIDATION_FAILED',
  500: 'INTERNAL',
  503: 'SERVICE_UNAVAILABLE',
};

/** Every code the service answers, errorCodeForStatus's fallback included (`ErrorCode` in the OpenAPI document). */
export const ERROR_CODES = [...new Set([...Object.values(ERROR_CODE_BY_STATUS), 'BAD_REQUEST'])];

export function errorCodeForStatus(status: number): string {
  return ERROR_CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED');
}

export class FieldErrorDto {
  @ApiProperty({ example: 'priority' })
  field!: string;

  @ApiProperty({ example: 'priority must be one of the following values: low, medium, high' })
  message!: string;
}

/** The body of every error response. */
export class ErrorResponseDto {
  @ApiProperty({ description: 'Human-readable message', example: 'Validation failed' })
  error!: string;

  @ApiProperty({
    description: 'Machine-readable code; each status has one (`401` is always `UNAUTHORIZED`)',
    enum: ERROR_CODES,
    enumName: 'ErrorCode',
    example: 'VALIDATION_FAILED',
  })
  code!: string;

  @ApiProperty({
    description: 'The X-Request-Id of the request',
    example: 'f3b9c2de-5d1c-4f0e-9a57-0c1c9b4e2a10',
  })
  request_id!: string;

  @ApiPropertyOptional({
    type: [FieldErrorDto],
    description: 'Per-field problems (validation only)',
  })
  details?: FieldErrorDto[];
}
