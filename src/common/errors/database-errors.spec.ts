import { QueryFailedError } from 'typeorm';
import { createPool } from 'mysql2/promise';
import {
  isDatabaseOverloadedError,
  isDatabaseUnavailableError,
  isDuplicateKeyError,
} from './database-errors';

function driverError(fields: Record<string, unknown>): Error {
  const message = typeof fields.message === 'string' ? fields.message : 'driver error';
  return Object.assign(new Error(message), fields);
}

describe(isDatabaseUnavailableError.name, () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'PROTOCOL_CONNECTION_LOST',
    'ER_SERVER_SHUTDOWN',
    'POOL_CLOSED',
  ])('should treat a %s driver error as unavailable', (code) => {
    expect(isDatabaseUnavailableError(driverError({ code }))).toBe(true);
  });

  it('should treat a fatal error (a closed connection) as unavailable', () => {
    const error = driverError({
      message: "Can't add new command when connection is in closed state",
      fatal: true,
    });
    expect(isDatabaseUnavailableError(error)).toBe(true);
  });

  it('should look inside a QueryFailedError at its driver error', () => {
    const wrapped = new QueryFailedError('SELECT 1', [], driverError({ code: 'ECONNRESET' }));
    expect(isDatabaseUnavailableError(wrapped)).toBe(true);
  });

  it.each([
    ['a syntax error', { code: 'ER_PARSE_ERROR', errno: 1064 }],
    ['a duplicate key', { code: 'ER_DUP_ENTRY', errno: 1062 }],
    ['a plain error', {}],
  ])('should not treat %s as unavailable', (_name, fields) => {
    expect(isDatabaseUnavailableError(driverError(fields))).toBe(false);
  });

  it.each([null, undefined, 'ECONNREFUSED', 42])('should answer false for %p', (value) => {
    expect(isDatabaseUnavailableError(value)).toBe(false);
  });
});

describe(isDuplicateKeyError.name, () => {
  it('should recognise ER_DUP_ENTRY, also wrapped by TypeORM', () => {
    const raw = driverError({ code: 'ER_DUP_ENTRY', errno: 1062 });
    expect(isDuplicateKeyError(raw)).toBe(true);
    expect(isDuplicateKeyError(new QueryFailedError('INSERT', [], raw))).toBe(true);
  });

  it('should not treat other errors as duplicates', () => {
    expect(isDuplicateKeyError(driverError({ code: 'ECONNREFUSED' }))).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
  });
});

describe(isDatabaseOverloadedError.name, () => {
  /** The real error: a pool of one connection with room for one waiter, asked for three. */
  async function queueLimitError(): Promise<unknown> {
    // Nothing listens on port 1, so the one connection fails to open; the third request is
    // refused by the queue limit before that happens.
    const pool = createPool({ host: '127.0.0.1', port: 1, connectionLimit: 1, queueLimit: 1 });
    try {
      const results = await Promise.allSettled([1, 2, 3].map(() => pool.getConnection()));
      const third = results[2];
      if (third.status !== 'rejected') throw new Error('the third connection was not refused');
      return third.reason;
    } finally {
      await pool.end().catch(() => undefined);
    }
  }

  it("should recognise mysql2's queue-limit error, raw and wrapped", async () => {
    const error = await queueLimitError();
    expect(isDatabaseOverloadedError(error)).toBe(true);
    expect(isDatabaseOverloadedError(new QueryFailedError('SELECT 1', [], error as Error))).toBe(
      true,
    );
  });

  it.each([
    ['a refused connection', { code: 'ECONNREFUSED' }],
    ['a syntax error', { code: 'ER_PARSE_ERROR', errno: 1064 }],
    ['a plain error', {}],
  ])('should not treat %s as overload', (_name, fields) => {
    expect(isDatabaseOverloadedError(driverError(fields))).toBe(false);
  });
});
