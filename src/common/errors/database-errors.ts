/** Driver error codes meaning "MySQL cannot be reached", as opposed to a bad query. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_QUERY_TIMEOUT',
  'ER_STATEMENT_TIMEOUT',
  'POOL_CLOSED',
]);

interface MaybeDriverError {
  code?: unknown;
  errno?: unknown;
  fatal?: unknown;
  driverError?: unknown;
  message?: unknown;
}

/** True for errors that say the database is unreachable (503), not that the request is wrong. */
export function isDatabaseUnavailableError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as MaybeDriverError;
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (e.fatal === true) return true;
  // 1969/3024: MariaDB/MySQL statement time limit exceeded.
  if (e.errno === 1969 || e.errno === 3024) return true;
  if (
    typeof e.message === 'string' &&
    /Pool is closed|Connection lost|connect ETIMEDOUT/.test(e.message)
  ) {
    return true;
  }
  return e.driverError !== undefined && e.driverError !== error
    ? isDatabaseUnavailableError(e.driverError)
    : false;
}

/**
 * True when mysql2's pool refused to queue one more request for a connection (its
 * `queueLimit`): the service has more work than its pool serves, so the answer is a 503 to
 * retry, not a 500. mysql2 gives this error no code, only its message.
 */
export function isDatabaseOverloadedError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as MaybeDriverError;
  if (typeof e.message === 'string' && e.message.startsWith('Queue limit reached')) return true;
  return e.driverError !== undefined && e.driverError !== error
    ? isDatabaseOverloadedError(e.driverError)
    : false;
}

/** True for a unique-key violation (MySQL ER_DUP_ENTRY). */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as MaybeDriverError;
  if (e.code === 'ER_DUP_ENTRY' || e.errno === 1062) return true;
  return e.driverError !== undefined && e.driverError !== error
    ? isDuplicateKeyError(e.driverError)
    : false;
}
