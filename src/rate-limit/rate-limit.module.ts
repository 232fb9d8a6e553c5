import { ExecutionContext, Module } from '@nestjs/common';
import { ThrottlerModule, ThrottlerOptions } from '@nestjs/throttler';
import type { AuthUser } from '../common/decorators/current-user.decorator';
import { appConfig, AppConfigType } from '../config/app-config';
import { AnonymousRateLimiter } from './anonymous-rate-limiter';
import { AUTH_RATE_LIMIT_KEY } from '../common/decorators/rate-limit.decorator';
import { RouteMetadataCache } from '../common/http/route-metadata';
import { CallerRateLimiter } from './caller-rate-limiter';
import {
  IP_THROTTLER,
  ipTracker,
  rateLimitKey,
  USER_THROTTLER,
  userTracker,
  WINDOW_MS,
} from './rate-limit.keys';
import { AUTH_THROTTLER, RedisThrottlerStorage } from './redis-throttler.storage';

type LimitedRequest = { user?: AuthUser; ip: string };

const requestOf = (context: ExecutionContext): LimitedRequest =>
  context.switchToHttp().getRequest<LimitedRequest>();

const authRoutes = new RouteMetadataCache(
  (handler) => Reflect.getMetadata(AUTH_RATE_LIMIT_KEY, handler) === true,
);
const isAuthRoute = (context: ExecutionContext): boolean => authRoutes.get(context);

const isSignedIn = (context: ExecutionContext): boolean => requestOf(context).user !== undefined;

/**
 * Exactly one limit applies to each request: the auth limit (per IP) on login, register and
 * refresh; otherwise the per-user limit for a signed-in caller, or the per-IP one for anonymous
 * callers. The client IP is Fastify's `request.ip`, which honours TRUST_PROXY.
 */
export function buildThrottlers(config: AppConfigType): ThrottlerOptions[] {
  const { rateLimit } = config;
  return [
    {
      name: AUTH_THROTTLER,
      ttl: WINDOW_MS,
      limit: rateLimit.authPerMinute,
      skipIf: (context) => !isAuthRoute(context),
      getTracker: (req: Record<string, unknown>) => ipTracker(String(req.ip)),
    },
    {
      name: USER_THROTTLER,
      ttl: WINDOW_MS,
      limit: rateLimit.perMinute,
      skipIf: (context) => isAuthRoute(context) || !isSignedIn(context),
      getTracker: (req: Record<string, unknown>) => userTracker((req.user as AuthUser).id),
    },
    {
      name: IP_THROTTLER,
      ttl: WINDOW_MS,
      limit: rateLimit.ipPerMinute,
      skipIf: (context) => isAuthRoute(context) || isSignedIn(context),
      getTracker: (req: Record<string, unknown>) => ipTracker(String(req.ip)),
    },
  ];
}

@Module({
  providers: [RedisThrottlerStorage],
  exports: [RedisThrottlerStorage],
})
class RateLimitStorageModule {}

/** Rate limits counted in Redis, so they hold across any number of instances. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [appConfig.KEY, RedisThrottlerStorage],
      useFactory: (config: AppConfigType, storage: RedisThrottlerStorage) => ({
        throttlers: buildThrottlers(config),
        storage,
        // One counter per limit and caller across all routes (the default is per route).
        generateKey: (_context, tracker, name) => rateLimitKey(name, tracker),
      }),
    }),
    RateLimitStorageModule,
  ],
  providers: [AnonymousRateLimiter, CallerRateLimiter],
  exports: [ThrottlerModule, AnonymousRateLimiter, CallerRateLimiter],
})
export class RateLimitModule {}
