import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AppConfigType, InjectAppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { AnonymousRateLimiter } from './anonymous-rate-limiter';
import { rateLimitKey, USER_THROTTLER, userTracker, WINDOW_MS } from './rate-limit.keys';
import { applyRateLimit } from './rate-limit.outcome';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/**
 * The limits of the global rate-limit guard for a request that no Nest route serves (GraphQL):
 * a signed-in caller counts against its user's RATE_LIMIT_PER_MINUTE, under the guard's own
 * counter (so REST and GraphQL share one budget), an anonymous one against its IP's.
 */
@Injectable()
export class CallerRateLimiter {
  constructor(
    private readonly storage: RedisThrottlerStorage,
    private readonly anonymous: AnonymousRateLimiter,
    private readonly metrics: MetricsService,
    @InjectAppConfig() private readonly config: AppConfigType,
  ) {}

  /** Counts one request; throws RateLimitedError (429) past the limit. */
  async hit(userId: number | undefined, ip: string, reply: FastifyReply): Promise<void> {
    if (userId === undefined) return this.anonymous.hit(ip, reply);
    const limit = this.config.rateLimit.perMinute;
    const record = await this.storage.increment(
      rateLimitKey(USER_THROTTLER, userTracker(userId)),
      WINDOW_MS,
      limit,
      WINDOW_MS,
      USER_THROTTLER,
    );
    applyRateLimit(reply, USER_THROTTLER, limit, record, this.metrics);
  }
}
