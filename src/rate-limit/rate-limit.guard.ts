import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { MetricsService } from '../metrics/metrics.service';
import { NO_RATE_LIMIT_KEY } from '../common/decorators/rate-limit.decorator';
import { applyRateLimit } from './rate-limit.outcome';
import type { RateLimitRecord } from './redis-throttler.storage';

/**
 * The global rate-limit guard. It runs after the authentication guard, so a signed-in caller
 * (session or personal access token) is counted per user on every instance; exactly one throttler applies to a request (see rate-limit.module.ts),
 * so the plain `X-RateLimit-*` headers describe it.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly metrics: MetricsService,
  ) {
    super(options, storage, reflector);
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    // A GraphQL request is counted once, as a whole, by CallerRateLimiter (not per resolver).
    if (context.getType() !== 'http') return Promise.resolve(true);
    return Promise.resolve(
      this.reflector.getAllAndOverride<boolean>(NO_RATE_LIMIT_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) === true,
    );
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = request;
    const { req, res } = this.getRequestResponse(context) as {
      req: Record<string, unknown>;
      res: FastifyReply;
    };
    const name = throttler.name ?? 'default';
    const tracker = await getTracker(req, context);
    const key = generateKey(context, tracker, name);
    const record = (await this.storageService.increment(
      key,
      ttl,
      limit,
      blockDuration,
      name,
    )) as RateLimitRecord;
    applyRateLimit(res, name, limit, record, this.metrics);
    return true;
  }
}
