import { Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { describeError } from '../common/errors/all-exceptions.filter';
import type { FieldError } from '../common/errors/domain-errors';
import { errorCodeForStatus } from '../common/errors/error-body';
import { loggableError } from '../common/errors/log-safe-error';

const logger = new Logger('GraphQL');

/** One error as a GraphQL client gets it: never a stack, SQL or internal message. */
export interface GqlErrorJson {
  message: string;
  locations?: readonly { line: number; column: number }[];
  path?: readonly (string | number)[];
  extensions: { code: string; requestId: string; details?: FieldError[] };
}

interface Described {
  status: number;
  json: GqlErrorJson;
  headers?: Record<string, string>;
}

/**
 * Mercurius wraps the errors of a refused request (`MER_ERR_GQL_VALIDATION` for a bad document
 * or variables, `MER_ERR_METHOD_NOT_ALLOWED` for a mutation by GET) in one error holding them
 * as `errors`, with the request's status: each becomes an error of its own, with that status.
 */
function refusedErrors(error: GraphQLError, requestId: string): Described[] | null {
  const wrapper = error.originalError as { errors?: unknown; statusCode?: unknown } | undefined;
  if (!Array.isArray(wrapper?.errors)) return null;
  const status =
    typeof wrapper.statusCode === 'number' && wrapper.statusCode >= 400 && wrapper.statusCode < 500
      ? wrapper.statusCode
      : 400;
  return wrapper.errors.map((inner: unknown) => {
    const e = inner instanceof GraphQLError ? inner : null;
    return {
      status,
      json: {
        message: inner instanceof Error ? inner.message : 'Invalid request',
        ...(e?.locations ? { locations: e.locations } : {}),
        extensions: { code: errorCodeForStatus(status), requestId },
      },
    };
  });
}

function describe(error: GraphQLError, requestId: string): Described {
  const base = {
    ...(error.locations ? { locations: error.locations } : {}),
    ...(error.path ? { path: error.path } : {}),
  };
  const original = error.originalError;
  const presetCode = error.extensions?.code;
  if (original === undefined || original instanceof GraphQLError) {
    if (typeof presetCode === 'string' || error.path === undefined) {
      // Syntax, validation, variable and limit errors: the document is refused as sent.
      return {
        status: 400,
        json: {
          message: error.message,
          ...base,
          extensions: { code: 'VALIDATION_FAILED', requestId },
        },
      };
    }
  }
  // What a resolver (or a hook) threw: the same status, code and message as on REST.
  const described = describeError(original ?? error);
  if (described.status >= 500 && described.status !== 503) {
    logger.error(
      { err: loggableError(original ?? error), requestId },
      `INTERNAL: ${String(original ?? error)}`,
    );
  }
  const extensions: GqlErrorJson['extensions'] = { code: described.code, requestId };
  if (described.details) extensions.details = described.details;
  return {
    status: described.status,
    json: { message: described.message, ...base, extensions },
    headers: described.headers,
  };
}

/**
 * Mercurius's `errorFormatter`: every error carries `extensions.code`, the REST code of the same
 * failure (NOT_FOUND, FORBIDDEN, VALIDATION_FAILED…), and `requestId`. An operation that ran
 * answers 200 with its data and errors, as GraphQL over HTTP says for JSON; a request refused
 * before running answers the REST status (400 for a bad document, 413, 429…).
 */
export function formatGraphqlErrors(
  execution: ExecutionResult & { statusCode?: number },
  context: { reply?: FastifyReply },
): { statusCode: number; response: ExecutionResult } {
  const requestId = String(context.reply?.request.id ?? '');
  const described = (execution.errors ?? []).flatMap(
    (e) => refusedErrors(e, requestId) ?? [describe(e, requestId)],
  );
  const ran = execution.data !== undefined;
  for (const { headers } of described) {
    if (headers && context.reply) void context.reply.headers(headers);
  }
  return {
    statusCode: ran ? 200 : (described[0]?.status ?? 400),
    response: {
      data: execution.data ?? null,
      errors: described.map(({ json }) => json as unknown as GraphQLError),
    },
  };
}
