import { HttpStatus } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * Base of the errors services throw. Each carries its HTTP status and machine code so that the
 * one global filter can answer the contract's error body without knowing every feature.
 */
export abstract class DomainError extends Error {
  abstract readonly status: HttpStatus;
  abstract readonly code: string;
  readonly details?: FieldError[];
  /** Response headers the answer needs (e.g. `Content-Range` of a 416). */
  readonly headers?: Record<string, string>;

  constructor(message: string, details?: FieldError[]) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class ValidationFailedError extends DomainError {
  readonly status = HttpStatus.BAD_REQUEST;
  readonly code = 'VALIDATION_FAILED';

  constructor(details: FieldError[], message = 'Validation failed') {
    super(message, details);
  }

  static forField(field: string, message: string): ValidationFailedError {
    return new ValidationFailedError([{ field, message }], `${field}: ${message}`);
  }
}

export class UnauthorizedError extends DomainError {
  readonly status = HttpStatus.UNAUTHORIZED;
  readonly code = 'UNAUTHORIZED';
}

export class InvalidCredentialsError extends UnauthorizedError {
  constructor() {
    super('invalid credentials');
  }
}

export class InvalidRefreshTokenError extends UnauthorizedError {
  constructor() {
    super('invalid or expired refresh token');
  }
}

export class ForbiddenError extends DomainError {
  readonly status = HttpStatus.FORBIDDEN;
  readonly code = 'FORBIDDEN';
}

export class NotFoundError extends DomainError {
  readonly status = HttpStatus.NOT_FOUND;
  readonly code = 'NOT_FOUND';
}

export class ConflictError extends DomainError {
  readonly status = HttpStatus.CONFLICT;
  readonly code = 'CONFLICT';
}

export class PreconditionFailedError extends DomainError {
  readonly status = HttpStatus.PRECONDITION_FAILED;
  readonly code = 'PRECONDITION_FAILED';
}

export class PayloadTooLargeError extends DomainError {
  readonly status = HttpStatus.PAYLOAD_TOO_LARGE;
  readonly code = 'PAYLOAD_TOO_LARGE';
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly status = HttpStatus.UNSUPPORTED_MEDIA_TYPE;
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
}

/**
 * A `Range` that starts past the end of the file. The contract has no code of its own for 416,
 * so it shares the one of a request the server cannot take as sent.
 */
export class RangeNotSatisfiableError extends DomainError {
  readonly status = HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE;
  readonly code = 'VALIDATION_FAILED';
  override readonly headers: Record<string, string>;

  constructor(size: number) {
    super(`Range: the file has ${size} bytes; ask for a range that starts before its end`);
    this.headers = { 'Content-Range': `bytes */${size}` };
  }
}

export class IdempotencyMismatchError extends DomainError {
  readonly status = HttpStatus.UNPROCESSABLE_ENTITY;
  readonly code = 'IDEMPOTENCY_MISMATCH';
}

export class ServiceUnavailableError extends DomainError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  readonly code = 'SERVICE_UNAVAILABLE';

  /** Every 503 tells the client when to try again (`Retry-After`, seconds). */
  readonly retryAfterSec: number;

  constructor(message: string, details?: FieldError[], retryAfterSec = 5) {
    super(message, details);
    this.retryAfterSec = retryAfterSec;
  }
}

/** More requests than the service can work on at once: shed before any work starts. */
export class ServiceOverloadedError extends ServiceUnavailableError {
  constructor() {
    super('The service is overloaded; try again shortly', undefined, 1);
  }
}
