import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AppConfigType, InjectAppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { IP_THROTTLER, ipTracker, rateLimitKey, WINDOW_MS } from './rate-limit.keys';
import { applyRateLimit } from './rate-limit.outcome';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/**
 * The per-IP anonymous limit for requests that never reach the rate-limit guard: a token the
 * authentication guard rejects (the guard chain stops there), an unknown route (404) and the
 * API docs (served by Fastify, not by a Nest handler). Without it token guessing and scanning
 * would be unlimited. It shares the counter of the `ip` throttler, so every anonymous request of one
 * client counts against one RATE_LIMIT_IP_PER_MINUTE, and fails open like it when Redis is down.
 */
@Injectable()
export class AnonymousRateLimiter {
  constructor(
    private readonly storage: RedisThrottlerStorage,
    private readonly metrics: MetricsService,
    @InjectAppConfig() private readonly config: AppConfigType,
  ) {}

  /** Counts one anonymous request of `ip`; throws RateLimitedError (429) past the limit. */
  async hit(ip: string, reply: FastifyReply): Promise<void> {
    const limit = this.config.rateLimit.ipPerMinute;
    const record = await this.storage.increment(
      rateLimitKey(IP_THROTTLER, ipTracker(ip)),
      WINDOW_MS,
      limit,
      WINDOW_MS,
      IP_THROTTLER,
    );
    applyRateLimit(reply, IP_THROTTLER, limit, record, this.metrics);
  }
}
