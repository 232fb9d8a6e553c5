import {
  BadRequestException,
  HttpException,
  NotFoundException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { describeError } from './all-exceptions.filter';
import {
  ConflictError,
  ServiceOverloadedError,
  ServiceUnavailableError,
  ValidationFailedError,
} from './domain-errors';
import { loggableError } from './log-safe-error';

describe(describeError.name, () => {
  it('should keep the status, code, message and details of a domain error', () => {
    const error = ValidationFailedError.forField('limit', 'limit must not be greater than 50');
    expect(describeError(error)).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'limit: limit must not be greater than 50',
      details: [{ field: 'limit', message: 'limit must not be greater than 50' }],
    });
    expect(describeError(new ConflictError('taken'))).toMatchObject({
      status: 409,
      code: 'CONFLICT',
    });
  });

  it.each([
    [new NotFoundException('Cannot GET /x'), 404, 'NOT_FOUND', 'Route GET /x not found'],
    [new PayloadTooLargeException(), 413, 'PAYLOAD_TOO_LARGE', 'Request body is too large'],
    [new UnsupportedMediaTypeException(), 415, 'UNSUPPORTED_MEDIA_TYPE', expect.any(String)],
    [
      new BadRequestException('Unexpected token } in JSON'),
      400,
      'VALIDATION_FAILED',
      expect.stringMatching(/^Malformed JSON/),
    ],
    [new HttpException('Method Not Allowed', 405), 405, 'METHOD_NOT_ALLOWED', 'Method Not Allowed'],
  ])('should map the HTTP exception %p', (error, status, code, message) => {
    expect(describeError(error)).toEqual({ status, code, message });
  });

  it('should answer 503 with Retry-After when the database is unreachable', () => {
    const error = new QueryFailedError(
      'SELECT 1',
      [],
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    );
    expect(describeError(error)).toEqual({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: expect.any(String),
      headers: { 'Retry-After': '5' },
    });
  });

  it.each([
    [new HttpException('URI Too Long', 414), 414],
    [new HttpException('Request Timeout', 408), 408],
    [new HttpException('Request Header Fields Too Large', 431), 431],
    [new HttpException("I'm a teapot", 418), 418],
  ])('should give %p a contract code (VALIDATION_FAILED)', (error, status) => {
    expect(describeError(error)).toMatchObject({ status, code: 'VALIDATION_FAILED' });
  });

  it.each([
    // What `send` (behind @fastify/static) throws for /docs/.. and /docs/%00: http-errors.
    ['a 403 with status and statusCode', { status: 403, statusCode: 403 }, 403, 'FORBIDDEN'],
    ['a 400 with statusCode only', { statusCode: 400 }, 400, 'VALIDATION_FAILED'],
    ['a 404 with status only', { status: 404 }, 404, 'NOT_FOUND'],
  ])('should keep the client-error status of %s', (_name, fields, status, code) => {
    const error = Object.assign(new Error("ENOENT: no such file '/srv/app/secret'"), fields);
    const described = describeError(error);
    expect(described).toEqual({ status, code, message: expect.any(String) });
    expect(described.message).not.toContain('/srv');
  });

  it.each([
    ['a server-error status', { statusCode: 502 }],
    ['a status that is not a number', { status: '400' }],
  ])('should not trust %s on an unknown error', (_name, fields) => {
    expect(describeError(Object.assign(new Error('x'), fields))).toMatchObject({ status: 500 });
  });

  it('should answer an overloaded pool (mysql2 queue limit) with 503 and Retry-After', () => {
    expect(describeError(new Error('Queue limit reached.'))).toEqual({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: expect.any(String),
      headers: { 'Retry-After': '1' },
    });
  });

  it('should give every 503 domain error a Retry-After', () => {
    expect(describeError(new ServiceOverloadedError())).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '1' },
    });
    expect(describeError(new ServiceUnavailableError('queue down'))).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '5' },
    });
  });

  it('should answer anything else with a generic 500 that leaks nothing', () => {
    const error = new QueryFailedError(
      'SELECT * FROM users WHERE email = ?',
      ['a@b.c'],
      Object.assign(new Error("Unknown column 'x' in 'field list'"), {
        code: 'ER_BAD_FIELD_ERROR',
      }),
    );
    const described = describeError(error);
    expect(described).toEqual({ status: 500, code: 'INTERNAL', message: 'Internal server error' });
  });
});

describe(loggableError.name, () => {
  it('should drop the bound parameters and interpolated SQL of a failed query', () => {
    const hash = '$2b$10$abcdefghijklmnopqrstuuJ5Q9kq7m3M1xX2zr3xY4eV5lKq0Hk8y';
    const driver = Object.assign(new Error('Connection lost: The server closed the connection.'), {
      code: 'PROTOCOL_CONNECTION_LOST',
      fatal: true,
      sql: `INSERT INTO users VALUES ('alice', 'a@b.c', '${hash}')`,
    });
    const error = new QueryFailedError(
      'INSERT INTO `users`(`username`, `email`, `password_hash`) VALUES (?, ?, ?)',
      ['alice', 'a@b.c', hash],
      driver,
    );
    const logged = JSON.stringify(loggableError(new Error('wrapped', { cause: error })));
    expect(logged).not.toContain(hash);
    expect(logged).not.toContain('a@b.c');
    expect(logged).toContain('PROTOCOL_CONNECTION_LOST');
    expect(logged).toContain('INSERT INTO `users`');
  });

  it('should keep the type, message and stack of an ordinary error', () => {
    const logged = loggableError(new TypeError('boom'));
    expect(logged).toMatchObject({ type: 'TypeError', message: 'boom', stack: expect.any(String) });
  });
});
