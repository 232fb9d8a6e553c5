import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ValidationFailedError } from '../common/errors/domain-errors';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

/** Parses `Idempotency-Key`: absent is `undefined`; 1-255 printable ASCII characters, else 400. */
export function parseIdempotencyKey(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !VALID_KEY.test(value)) {
    throw ValidationFailedError.forField(
      IDEMPOTENCY_KEY_HEADER,
      `${IDEMPOTENCY_KEY_HEADER} must be 1 to 255 printable ASCII characters`,
    );
  }
  return value;
}

/** The request's `Idempotency-Key` header, validated (`@IdempotencyKeyHeader() key?: string`). */
export const IdempotencyKeyHeader = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string | undefined =>
    parseIdempotencyKey(ctx.switchToHttp().getRequest<FastifyRequest>().headers['idempotency-key']),
);
