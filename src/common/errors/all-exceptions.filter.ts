import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { isDatabaseOverloadedError, isDatabaseUnavailableError } from './database-errors';
import {
  DomainError,
  FieldError,
  ServiceOverloadedError,
  ServiceUnavailableError,
} from './domain-errors';
import { errorCodeForStatus } from './error-body';
import { loggableError } from './log-safe-error';

export interface DescribedError {
  status: number;
  code: string;
  message: string;
  details?: FieldError[];
  headers?: Record<string, string>;
}

function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/**
 * The client-error status (4xx) that a library put on its error, as `statusCode` or `status`
 * (http-errors, used by @fastify/static's `send`, sets both), else undefined.
 */
function clientErrorStatusOf(exception: unknown): number | undefined {
  if (!(exception instanceof Error)) return undefined;
  const { statusCode, status } = exception as Error & { statusCode?: unknown; status?: unknown };
  const candidate = typeof statusCode === 'number' ? statusCode : status;
  return typeof candidate === 'number' &&
    Number.isInteger(candidate) &&
    candidate >= 400 &&
    candidate < 500
    ? candidate
    : undefined;
}

/**
 * Maps anything thrown to the contract's status, code and message. Only domain errors and HTTP
 * exceptions keep their message; everything else is reported generically so that no SQL,
 * stack trace or internal detail reaches a client.
 */
export function describeError(exception: unknown): DescribedError {
  if (exception instanceof DomainError) {
    return {
      status: exception.status,
      code: exception.code,
      message: exception.message,
      details: exception.details,
      ...(exception instanceof ServiceUnavailableError
        ? { headers: { 'Retry-After': String(exception.retryAfterSec) } }
        : exception.headers
          ? { headers: exception.headers }
          : {}),
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    let message = httpExceptionMessage(exception);
    if (status === 404 && message.startsWith('Cannot '))
      message = `Route ${message.slice(7)} not found`;
    if (status === 413) message = 'Request body is too large';
    if (status === 415) message = 'Unsupported Content-Type: send application/json';
    if (status === 400 && /JSON/.test(message)) message = `Malformed JSON body: ${message}`;
    return { status, code: errorCodeForStatus(status), message };
  }
  if (isDatabaseUnavailableError(exception)) {
    return {
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: 'The database is unavailable; try again shortly',
      headers: { 'Retry-After': '5' },
    };
  }
  if (isDatabaseOverloadedError(exception)) {
    return {
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: 'The service is overloaded; try again shortly',
      headers: { 'Retry-After': '1' },
    };
  }
  const clientStatus = clientErrorStatusOf(exception);
  if (clientStatus !== undefined) {
    // The status is the library's verdict on the request; its message may carry a file path.
    return {
      status: clientStatus,
      code: errorCodeForStatus(clientStatus),
      message: STATUS_CODES[clientStatus] ?? 'Bad request',
    };
  }
  return { status: 500, code: 'INTERNAL', message: 'Internal server error' };
}

/** The one exception filter: every error leaves as `{error, code, request_id, details?}`. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    // A GraphQL resolver's error is formatted by the GraphQL layer (src/graphql/graphql-errors.ts)
    // into the response's `errors`, with the same code this filter would give it.
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const described = describeError(exception);

    // Shed requests are counted by the HTTP metrics (status 503) and summarised by the load
    // shedder; a log line each would add work exactly when the service has none to spare.
    if (described.status >= 500 && !(exception instanceof ServiceOverloadedError)) {
      const log = described.status === 503 ? 'warn' : 'error';
      this.logger[log](
        { err: loggableError(exception), requestId: request.id },
        `${described.code}: ${String(exception)}`,
      );
    }
    if (reply.sent) return;

    const body: Record<string, unknown> = {
      error: described.message,
      code: described.code,
      request_id: request.id,
    };
    if (described.details) body.details = described.details;
    void reply
      .status(described.status)
      .headers(described.headers ?? {})
      .header('content-type', 'application/json; charset=utf-8')
      .send(body);
  }
}
