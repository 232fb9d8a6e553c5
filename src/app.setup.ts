import { INestApplication, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiModule } from './api.module';
import { apiCacheControl } from './common/http/cache-control';
import {
  answerClientError,
  answerRouterError,
  installRootErrorHandler,
} from './common/http/framework-errors';
import { installFormPost } from './common/http/form-post';
import { installJsonBodyParser } from './common/http/json-body-parser';
import { installMultipart } from './common/http/multipart';
import { InFlightLimiter, installLoadShedding } from './common/http/load-shedding';
import { setupSwagger } from './common/http/swagger';
import { AppConfig, loadConfig, processEnv } from './config/env';
import { genRequestId } from './common/http/request-id';
import { installAccessLog } from './logging/access-log';
import { AppLogger } from './logging/app-logger';
import { MetricsService } from './metrics/metrics.service';
import { ReadYourWritesInterceptor } from './read-replicas/read-your-writes.interceptor';
import { limitUnroutedRequests } from './rate-limit/unrouted-requests.hook';
import { RealtimeWsAdapter } from './realtime/realtime-ws.adapter';
import { GRAPHIQL_CSP, GRAPHIQL_PATH } from './graphql/graphiql';
import { GRAPHQL_PATH } from './graphql/graphql-options';

export const API_PREFIX = 'api/v1';

/**
 * Headers a browser client may read: the contract's list (API.md, General), then those of file
 * downloads (attachments, export results). A download needs a bearer token, so a browser fetches
 * it with script rather than a link: the file's name is in `Content-Disposition` and a range's
 * place in `Content-Range`, neither CORS-safelisted. (`Content-Length` and `Content-Type` are.)
 */
export const EXPOSED_HEADERS = [
  'X-Request-Id',
  'X-Total-Count',
  'Link',
  'ETag',
  'Location',
  'Retry-After',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'X-Cache',
  'Idempotent-Replayed',
  'Content-Disposition',
  'Content-Range',
];

/** How long a client may take, in milliseconds (see HTTP_TIMEOUTS). */
export interface HttpTimeouts {
  /** The whole request, headers and body, must arrive within this (else 408, closed). */
  requestTimeout: number;
  /** The request line and headers must arrive within this (at most `requestTimeout`). */
  headersTimeout: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeout: number;
  /** A connection on which nothing moves, in either direction, is closed after this. */
  connectionTimeout: number;
  /** How often Node checks the two request timeouts; it bounds how late they fire. */
  connectionsCheckingInterval: number;
}

/**
 * Without these a client sending a body one byte every few seconds held its connection (and a
 * request's buffers) open for as long as it liked: Fastify turns Node's request timeout off.
 * 30 s carries the largest body (BODY_LIMIT) over a slow mobile link. The keep-alive timeout
 * stays above the 60 s idle timeout of common load balancers, so they close first and never
 * send on a connection this side is closing.
 */
export const HTTP_TIMEOUTS: HttpTimeouts = {
  requestTimeout: 30_000,
  headersTimeout: 10_000,
  keepAliveTimeout: 72_000,
  connectionTimeout: 60_000,
  connectionsCheckingInterval: 1_000,
};

/**
 * The Fastify adapter with one root error handler, installRootErrorHandler's (set in
 * configureApp). Nest would set its own when its routes are built, after the GraphQL plugin has
 * registered its routes, replacing the root handler with a warning (FSTWRN004) for no change
 * in the answer: both map errors with describeError to the contract's body.
 */
class ApiFastifyAdapter extends FastifyAdapter {
  override setErrorHandler(): ReturnType<FastifyAdapter['setErrorHandler']> {
    return this.getInstance();
  }
}

/**
 * Builds the whole HTTP application (adapter, module, hooks, docs), ready to `listen()`. The
 * service's entry point and the e2e tests both call this, so tests exercise the real setup;
 * `timeouts` lets a test shorten the client timeouts.
 */
export async function createApp(
  options: { timeouts?: Partial<HttpTimeouts> } = {},
): Promise<NestFastifyApplication> {
  // The adapter needs the HTTP settings before Nest exists; the module validates the same
  // environment again through @nestjs/config, so both see one set of values.
  const config = loadConfig(processEnv());
  const { connectionsCheckingInterval, headersTimeout, ...timeouts } = {
    ...HTTP_TIMEOUTS,
    ...options.timeouts,
  };
  const adapter = new ApiFastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    genReqId: genRequestId,
    requestIdHeader: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ...timeouts,
    // Fastify has no option of its own for these two. Node's request timeout only fires for a
    // slow body when the headers timeout is not longer than it (measured on Node 20).
    http: { connectionsCheckingInterval, headersTimeout },
    frameworkErrors: answerRouterError,
    clientErrorHandler: answerClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule, adapter, {
    bufferLogs: true,
    // Nest would add an application/x-www-form-urlencoded parser, which lets a plain HTML form
    // on any site POST to the API without a CORS preflight. Fastify's own JSON parser (with the
    // body limit and prototype-poisoning protection) is the only one the API needs.
    bodyParser: false,
  });
  configureApp(app, config);
  await installMultipart(app, config.attachments.maxBytes);
  return app;
}

/** `/api/v1` for the API; health and metrics stay at the root where probes and scrapers expect them. */
export function applyGlobalPrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
}

function configureApp(app: NestFastifyApplication, config: AppConfig): void {
  const logger = app.get(AppLogger);
  app.useLogger(logger);
  applyGlobalPrefix(app);
  if (config.db.replicas.length > 0) {
    app.useGlobalInterceptors(app.get(ReadYourWritesInterceptor));
  }

  const fastify = app.getHttpAdapter().getInstance();
  installRootErrorHandler(fastify);
  installAccessLog(fastify, logger);
  // Fastify also parses text/plain by default, which would hand a string to the validation
  // pipe (a confusing 400). The API speaks JSON only, so any other body is a 415.
  fastify.removeContentTypeParser('text/plain');
  installJsonBodyParser(fastify);
  // Forms only where a route opts in (the one-click unsubscribe of emails).
  installFormPost(fastify);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id);
    done();
  });
  limitUnroutedRequests(app);
  // server.close() waits for every open connection, and a keep-alive client may hold an idle
  // one for minutes. Once shutdown starts, each response in flight tells its client to close,
  // so the process exits as soon as those requests are answered.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) {
      const authenticated = request.headers.authorization !== undefined;
      void reply.header(
        'Cache-Control',
        apiCacheControl(request.method, reply.statusCode, authenticated),
      );
    } else if (request.url.startsWith(GRAPHQL_PATH)) {
      // A GraphQL answer is the caller's own data, by GET too: never stored by any cache.
      void reply.header('Cache-Control', 'no-store');
    } else if (request.url.startsWith(GRAPHIQL_PATH)) {
      void reply.header('Content-Security-Policy', GRAPHIQL_CSP);
    }
    done(null, payload);
  });
  // GraphQL requests are API work too: they take database connections like REST ones.
  installLoadShedding(
    fastify,
    new InFlightLimiter(config.http.maxInFlight),
    (url) => url.startsWith('/api/') || url === GRAPHQL_PATH,
  );

  const metrics = app.get(MetricsService);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeHttp(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  // Helmet's middleware is built once here. @fastify/helmet rebuilt it (and re-parsed the CSP)
  // on every request, which cost ~4% of the CPU of a cached read.
  const securityHeaders = helmet({
    // Swagger UI loads its own scripts and styles from /docs; nothing else is ever framed or run.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  // Its headers are the same on every response (no directive is a function of the request):
  // they are taken from it once and set in one call, instead of running its fourteen
  // middlewares, each a validated setHeader on the raw response, on every request.
  const securityHeaderValues = headersSetBy(securityHeaders);
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(securityHeaderValues);
    done();
  });

  const origins = config.http.corsOrigins;
  if (origins === true || origins.length > 0) {
    app.enableCors({
      origin: origins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      // Range and If-Range resume a download: only `bytes=<first>-[<last>]` is CORS-safelisted,
      // not the suffix form `bytes=-<n>` the downloads also take, and If-Range never is.
      allowedHeaders: [
        'Authorization',
        'Content-Type',
        'If-Match',
        'If-None-Match',
        'If-Range',
        'Range',
        'Idempotency-Key',
        'X-Request-Id',
      ],
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: 600,
    });
  }

  // WebSockets (GET /api/v1/ws) upgrade on this same server, with the same Origin allowlist.
  app.useWebSocketAdapter(new RealtimeWsAdapter(app, origins));

  setupSwagger(app);
}

/**
 * The headers a response-independent middleware (helmet's) sets, found by running it once
 * against a recording response. It must call `next` synchronously, without an error.
 */
export function headersSetBy(
  middleware: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    // Lower-cased once here: Fastify lower-cases each name it is given, on every response.
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let finished = false;
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error instanceof Error) throw error;
    if (error !== undefined) throw new Error('the security headers middleware failed');
    finished = true;
  });
  if (!finished) throw new Error('the security headers middleware did not finish synchronously');
  return headers;
}
