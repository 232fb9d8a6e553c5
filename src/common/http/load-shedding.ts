import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { ServiceOverloadedError } from '../errors/domain-errors';
import { replyWithError } from './framework-errors';

/** Counts the requests being worked on and refuses one more than `limit`; never queues. */
export class InFlightLimiter {
  private active = 0;
  private shed = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError('limit must be a positive integer');
  }

  get inFlight(): number {
    return this.active;
  }

  /** True and counted when there is room; false (and the refusal counted) when full. */
  tryAcquire(): boolean {
    if (this.active >= this.limit) {
      this.shed += 1;
      return false;
    }
    this.active += 1;
    return true;
  }

  release(): void {
    if (this.active > 0) this.active -= 1;
  }

  /** Refusals since the last call (for a periodic summary). */
  takeShedCount(): number {
    const shed = this.shed;
    this.shed = 0;
    return shed;
  }
}

const SUMMARY_INTERVAL_MS = 10_000;

/**
 * Admission control for the API (not health, metrics or docs, which must answer under any
 * load). Past `limiter.limit` requests in progress, the next one is refused at once with 503 and
 * `Retry-After`, before the guards, pipes and handler do any work, instead of queueing for a
 * database connection: the mysql2 pool's queue would otherwise overflow into errors
 * mid-request (possibly after a write) and hold memory for every waiting request.
 *
 * It runs as Fastify's `preHandler`, once the body has arrived, so that slow clients still
 * sending theirs (bounded by the request timeout) never hold a slot. A slot is freed when the
 * response closes: finished, or the client gone. In the latter case the handler may still be
 * at work for a moment; the pool's own queue limit (mapped to 503 too) bounds that overlap.
 */
export function installLoadShedding(
  fastify: FastifyInstance,
  limiter: InFlightLimiter,
  /** Whether a route is API work that may be shed (health, metrics and docs never are). */
  isApiRoute: (url: string) => boolean = (url) => url.startsWith('/api/'),
): void {
  const logger = new Logger('LoadShedding');
  let lastSummaryAt = 0;
  // One warning per interval, with the count, rather than a line per refused request.
  const summarise = (): void => {
    const now = Date.now();
    if (now - lastSummaryAt < SUMMARY_INTERVAL_MS) return;
    lastSummaryAt = now;
    logger.warn(
      `Overloaded: ${limiter.takeShedCount()} request(s) refused with 503 since the last ` +
        `warning (at most ${limiter.limit} in flight, HTTP_MAX_IN_FLIGHT)`,
    );
  };
  fastify.addHook('preHandler', (request, reply, done) => {
    const url = request.routeOptions.url;
    if (url === undefined || !isApiRoute(url)) return done();
    if (!limiter.tryAcquire()) {
      summarise();
      // Answered here rather than thrown: the refusal must cost as little as possible, since
      // under overload most of the CPU goes to refusing.
      void replyWithError(request, reply, new ServiceOverloadedError());
      return;
    }
    reply.raw.once('close', () => limiter.release());
    done();
  });
}
