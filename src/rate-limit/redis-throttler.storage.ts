import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { MetricsService } from '../metrics/metrics.service';
import type { RedisClient } from '../redis/redis-client';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { InMemoryWindowCounter } from './in-memory-window';

/** The throttler whose limit must hold even without Redis (falls back to this process). */
export const AUTH_THROTTLER = 'auth';

/**
 * One round trip, atomic across every instance: count the hit in a fixed window and return the
 * count and the window's remaining milliseconds. The TTL is set with the first hit (and repaired
 * if a key ever lost it), so every counter expires by itself.
 */
export const FIXED_WINDOW_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if hits == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {hits, ttl}
`;

/** After a Redis failure, skip Redis for this long instead of paying a timeout per request. */
const BREAKER_OPEN_MS = 1000;
const LOG_INTERVAL_MS = 10_000;

/**
 * What `ThrottlerStorage.increment` resolves to. @nestjs/throttler does not export this type
 * from its package entry, so it is derived from the public interface instead of a dist/ path.
 */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

export interface RateLimitRecord extends ThrottlerStorageRecord {
  /** False when the hit could not be counted (Redis down, limit failing open). */
  counted: boolean;
}

type RedisWithWindow = RedisClient & {
  rateLimitHit(key: string, windowMs: number): Promise<[number, number]>;
};

/**
 * Rate-limit counters in Redis, shared by all instances. When Redis fails, the per-user and
 * per-IP limits fail open (logged and counted in /metrics) and the auth limit falls back to an
 * in-process counter. It never throws: a storage error must not become a 500.
 */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly redis: RedisWithWindow;
  private readonly fallback = new InMemoryWindowCounter();
  private breakerOpenUntil = 0;
  private lastLogAt = 0;

  constructor(
    @Inject(REDIS_CLIENT) redis: RedisClient,
    private readonly metrics: MetricsService,
  ) {
    if (!('rateLimitHit' in redis)) {
      redis.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: FIXED_WINDOW_SCRIPT });
    }
    this.redis = redis as RedisWithWindow;
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    throttlerName: string,
  ): Promise<RateLimitRecord> {
    if (Date.now() >= this.breakerOpenUntil && this.redis.status === 'ready') {
      try {
        const [hits, msToReset] = await this.redis.rateLimitHit(key, ttl);
        return this.record(Number(hits), Number(msToReset), limit, true);
      } catch (error) {
        this.breakerOpenUntil = Date.now() + BREAKER_OPEN_MS;
        this.logFailure(error);
      }
    }
    if (throttlerName === AUTH_THROTTLER) {
      this.metrics.rateLimitStorageFailure(throttlerName, 'in_process');
      const { totalHits, msToReset } = this.fallback.increment(key, ttl);
      return this.record(totalHits, msToReset, limit, true);
    }
    this.metrics.rateLimitStorageFailure(throttlerName, 'fail_open');
    return this.record(0, ttl, limit, false);
  }

  private record(
    totalHits: number,
    msToReset: number,
    limit: number,
    counted: boolean,
  ): RateLimitRecord {
    const seconds = Math.max(1, Math.ceil(msToReset / 1000));
    return {
      totalHits,
      timeToExpire: seconds,
      isBlocked: totalHits > limit,
      timeToBlockExpire: seconds,
      counted,
    };
  }

  private logFailure(error: unknown): void {
    const now = Date.now();
    if (now - this.lastLogAt < LOG_INTERVAL_MS) return;
    this.lastLogAt = now;
    this.logger.warn(
      `Rate-limit storage unavailable (${error instanceof Error ? error.message : String(error)}): ` +
        'per-user and per-IP limits fail open, the auth limit is counted in-process',
    );
  }
}
