import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Level } from 'pino';
import type { AppLogger } from './app-logger';
import { RequestLog, requestLogs } from './request-log';

/** Probes and scrapes, polled every few seconds: no access line. */
const QUIET_PATHS = new Set(['/health/live', '/metrics']);

function levelOf(status: number): Level {
  return status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
}

/**
 * One access line per request (`request completed`, at warn for a 4xx and error for a 5xx), and
 * the request's `req` on every other line written while it is handled (see RequestLog).
 *
 * Fastify hooks rather than pino-http as Nest middleware: that made two pino child loggers per
 * request (each serializing and redacting its bindings), listened on three response events,
 * and ran through @fastify/middie's path matching. The line's fields are the same: `req` (id,
 * method, url), `res.statusCode`, `responseTime` (ms).
 */
export function installAccessLog(fastify: FastifyInstance, logger: AppLogger): void {
  const root = logger.root;
  const access = logger.access;
  const summary = (request: FastifyRequest) => ({
    id: request.id,
    method: request.method,
    url: request.url,
  });

  // First of the onRequest hooks (installed before any other), so that everything after it,
  // hooks, guards, handler and filter, runs inside the request's context.
  fastify.addHook('onRequest', (request, _reply, done) => {
    requestLogs.run(new RequestLog(root, summary(request)), done);
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const status = reply.statusCode;
    const level = levelOf(status);
    if (access.isLevelEnabled(level) && !QUIET_PATHS.has(request.url)) {
      const line: Record<string, unknown> = {
        req: summary(request),
        res: { statusCode: status },
        responseTime: Math.round(reply.elapsedTime),
      };
      if (status >= 500) line.err = new Error(`failed with status code ${status}`);
      access[level](line, status >= 500 ? 'request errored' : 'request completed');
    }
    done();
  });
  // The client went away before the answer: Fastify runs no onResponse hook for it.
  fastify.addHook('onRequestAbort', (request, done) => {
    if (!QUIET_PATHS.has(request.url)) access.info({ req: summary(request) }, 'request aborted');
    done();
  });
}
