import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { MetricsService } from '../metrics/metrics.service';
import { NO_RATE_LIMIT_KEY } from '../common/decorators/rate-limit.decorator';
import { RouteMetadataCache } from '../common/http/route-metadata';
import { applyRateLimit } from './rate-limit.outcome';
import type { RateLimitRecord } from './redis-throttler.storage';

/**
 * The global rate-limit guard. It runs after the authentication guard, so a signed-in caller
 * (session or personal access token) is counted per user on every instance; exactly one
 * throttler applies to a request (see rate-limit.module.ts), so the plain `X-RateLimit-*`
 * headers describe it.
 *
 * ThrottlerGuard's own canActivate reads five metadata entries per throttler on every request
 * (for @Throttle/@SkipThrottle overrides, which no route here uses: routes opt out with
 * @NoRateLimit) and awaits each value; this one reads the route's policy once per handler and
 * counts the request against the throttler that applies, with one Redis round trip.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly exempt: RouteMetadataCache<boolean>;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly metrics: MetricsService,
  ) {
    super(options, storage, reflector);
    this.exempt = new RouteMetadataCache(
      (handler, controller) =>
        reflector.getAllAndOverride<boolean>(NO_RATE_LIMIT_KEY, [handler, controller]) === true,
    );
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    // A GraphQL request is counted once, as a whole, by CallerRateLimiter (not per resolver).
    if (context.getType() !== 'http') return true;
    if (this.exempt.get(context)) return true;
    // `throttlers` and `commonOptions` are set by ThrottlerGuard.onModuleInit.
    for (const throttler of this.throttlers) {
      if (throttler.skipIf?.(context)) continue;
      await this.count(context, throttler);
    }
    return true;
  }

  private async count(context: ExecutionContext, throttler: ThrottlerOptions): Promise<void> {
    const { req, res } = this.getRequestResponse(context) as {
      req: Record<string, unknown>;
      res: FastifyReply;
    };
    const name = throttler.name ?? 'default';
    // Awaited only when they are promises: each `await` is a promise more on every request.
    const { limit, ttl, blockDuration } =
      plainSettings(throttler) ?? (await resolvedSettings(throttler, context));
    const getTracker = throttler.getTracker ?? this.commonOptions.getTracker;
    const generateKey = throttler.generateKey ?? this.commonOptions.generateKey;
    if (!getTracker || !generateKey) throw new Error(`throttler ${name} has no tracker or key`);
    const tracker = getTracker(req, context);
    const record = (await this.storageService.increment(
      generateKey(context, typeof tracker === 'string' ? tracker : await tracker, name),
      ttl,
      limit,
      blockDuration,
      name,
    )) as RateLimitRecord;
    applyRateLimit(res, name, limit, record, this.metrics);
  }
}

interface ThrottlerSettings {
  limit: number;
  ttl: number;
  blockDuration: number;
}

/** A throttler's settings when all are plain numbers (as buildThrottlers makes them), else null. */
function plainSettings(throttler: ThrottlerOptions): ThrottlerSettings | null {
  const { limit, ttl, blockDuration = ttl } = throttler;
  if (typeof limit !== 'number' || typeof ttl !== 'number' || typeof blockDuration !== 'number') {
    return null;
  }
  return { limit, ttl, blockDuration };
}

/** A throttler's settings, some of them functions of the request (Resolvable). */
async function resolvedSettings(
  throttler: ThrottlerOptions,
  context: ExecutionContext,
): Promise<ThrottlerSettings> {
  const limit = await settle(throttler.limit, context);
  const ttl = await settle(throttler.ttl, context);
  const blockDuration = await settle(throttler.blockDuration ?? ttl, context);
  return { limit, ttl, blockDuration };
}

/** A throttler setting: a number, or a function of the request. */
function settle(
  value: number | ((context: ExecutionContext) => number | Promise<number>),
  context: ExecutionContext,
): number | Promise<number> {
  return typeof value === 'function' ? value(context) : value;
}
