/** Driver fields worth keeping in a log line: they say what failed without carrying data. */
const SAFE_FIELDS = ['code', 'errno', 'sqlState', 'fatal', 'query'] as const;

export interface LoggableError {
  type: string;
  message: string;
  stack?: string;
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  fatal?: unknown;
  query?: unknown;
  cause?: LoggableError | string;
}

/**
 * What of an unexpected error may reach the log. TypeORM's QueryFailedError carries the bound
 * `parameters` of the failed statement (for a user insert, the password hash) and mysql2 errors
 * may carry the interpolated `sql`; both are dropped. The query text keeps its `?` placeholders.
 */
export function loggableError(error: unknown, depth = 0): LoggableError | string {
  if (!(error instanceof Error)) return typeof error === 'string' ? error : 'non-Error thrown';
  const source = error as Error & Record<string, unknown>;
  const result: LoggableError = { type: error.name, message: error.message, stack: error.stack };
  for (const field of SAFE_FIELDS) {
    if (source[field] !== undefined) result[field] = source[field];
  }
  if (error.cause !== undefined && depth < 3) result.cause = loggableError(error.cause, depth + 1);
  return result;
}
