import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { replyWithError } from '../common/http/framework-errors';
import { AnonymousRateLimiter } from './anonymous-rate-limiter';
import { RateLimitedError } from './rate-limit.outcome';

/** Swagger UI, its assets and the OpenAPI document (`setupSwagger`): Fastify routes, no guards. */
const DOCS_PATH = /^\/docs(?:[-/]|$)/;

/**
 * Counts the requests no Nest guard sees against the anonymous per-IP limit: unknown routes
 * (Fastify answers them with the not-found handler) and the API docs. Health and metrics are
 * Nest routes marked `@NoRateLimit()`, so they stay unlimited.
 */
export function limitUnroutedRequests(app: NestFastifyApplication): void {
  const limiter = app.get(AnonymousRateLimiter);
  // A callback hook, not an async one: a routed request (nearly all) passes without a promise.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      const route = request.routeOptions.url;
      if (route !== undefined && !DOCS_PATH.test(route)) return done();
      limiter.hit(request.ip, reply).then(
        () => done(),
        (error: unknown) => {
          // Answered here: the docs are Fastify routes, whose errors never reach Nest's filter.
          if (error instanceof RateLimitedError) void replyWithError(request, reply, error);
          else done(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
}
