import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { describeError } from '../errors/all-exceptions.filter';
import { errorCodeForStatus } from '../errors/error-body';

/**
 * Errors raised below Nest, where its exception filter never runs, answered in the contract's
 * shape (`{"error", "code", "request_id"}` with an `X-Request-Id`) all the same. None of them
 * echoes the URL or a header back.
 */

const ROUTER_ERROR_MESSAGES: Record<string, string> = {
  FST_ERR_BAD_URL: 'The URL is malformed (bad percent-encoding)',
  FST_ERR_MAX_PARAM_LENGTH: 'A path segment of the URL is too long',
};

function errorJson(status: number, message: string, requestId: string): string {
  return JSON.stringify({
    error: message,
    code: errorCodeForStatus(status),
    request_id: requestId,
  });
}

/**
 * Fastify's `frameworkErrors`: the router's own errors (bad percent-encoding: 400; a path
 * parameter over `maxParamLength`: 414), raised before any hook of the request has run.
 */
export function answerRouterError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status = error.statusCode ?? 500;
  const message =
    status >= 500
      ? 'Internal server error'
      : (ROUTER_ERROR_MESSAGES[error.code] ?? STATUS_CODES[status] ?? 'Bad request');
  void reply
    .code(status)
    .header('X-Request-Id', request.id)
    .header('Cache-Control', 'no-store')
    .header('X-Content-Type-Options', 'nosniff')
    .header('content-type', 'application/json; charset=utf-8')
    .send(errorJson(status, message, request.id));
}

function describeClientError(code: string | undefined): { status: number; message: string } {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, message: 'The request was not received in time' };
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, message: 'The request line and headers are too large' };
  }
  return { status: 400, message: 'Malformed HTTP request' };
}

/**
 * Fastify's `clientErrorHandler`: errors of Node's HTTP parser and its timeouts (headers too
 * large, a byte a header may not hold, a request not received within `requestTimeout`), which
 * Node reports on the socket before any request object exists. Like Node's own handler, it
 * writes only when no response has started on the socket, then closes it.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const { status, message } = describeClientError(error.code);
    const requestId = randomUUID();
    const body = errorJson(status, message, requestId);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        'Cache-Control: no-store\r\n' +
        'X-Content-Type-Options: nosniff\r\n' +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}

/**
 * Answers a request from a Fastify hook with a domain error in the contract's shape (status,
 * its headers such as `Retry-After`, `{"error", "code", "request_id"}`), without throwing: a
 * throw from a hook reaches the error handler of the route's Fastify context, which for routes
 * Nest does not own (the API docs) is Fastify's default one, not Nest's filter. Returns the
 * reply, which an async hook returns to end the request there.
 */
export function replyWithError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
): FastifyReply {
  const described = describeError(error);
  const body: Record<string, unknown> = {
    error: described.message,
    code: described.code,
    request_id: request.id,
  };
  if (described.details) body.details = described.details;
  return reply
    .code(described.status)
    .headers(described.headers ?? {})
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify(body));
}

/**
 * The root Fastify error handler, in the contract's shape. Nest would install its own when it
 * builds its routes, but the GraphQL plugin registers (and awaits) itself first, so Nest's
 * routes were built before it and a body parser's error (malformed JSON, a body nested too
 * deeply) reached Fastify's default handler, with another body shape. Set before Nest is
 * initialised (and kept: see ApiFastifyAdapter), it covers every route, Nest's or not; errors
 * thrown by Nest handlers still go through its exception filter.
 */
export function installRootErrorHandler(fastify: FastifyInstance): void {
  fastify.setErrorHandler((error, request, reply) => {
    if (describeError(error).status >= 500) request.log.error({ err: error }, 'Request failed');
    return replyWithError(request, reply, error);
  });
}
