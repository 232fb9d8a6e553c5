import { HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from '../common/errors/domain-errors';
import type { MetricsService } from '../metrics/metrics.service';
import type { RateLimitRecord } from './redis-throttler.storage';

export class RateLimitedError extends DomainError {
  readonly status = HttpStatus.TOO_MANY_REQUESTS;
  readonly code = 'RATE_LIMITED';

  constructor(retryAfterSeconds: number) {
    super(`Rate limit exceeded; retry in ${retryAfterSeconds} s`);
  }
}

/**
 * Tells the caller where it stands (`X-RateLimit-*`) and refuses it past the limit (429 with
 * `Retry-After`). A hit that could not be counted (Redis down, limit failing open) says nothing.
 */
export function applyRateLimit(
  reply: FastifyReply,
  name: string,
  limit: number,
  record: RateLimitRecord,
  metrics: MetricsService,
): void {
  if (!record.counted) return;
  void reply.header('X-RateLimit-Limit', limit);
  void reply.header('X-RateLimit-Remaining', Math.max(0, limit - record.totalHits));
  void reply.header('X-RateLimit-Reset', record.timeToExpire);
  if (record.isBlocked) {
    metrics.rateLimitRejected(name);
    void reply.header('Retry-After', record.timeToBlockExpire);
    throw new RateLimitedError(record.timeToBlockExpire);
  }
}
