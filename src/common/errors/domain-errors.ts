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
