import type { LoggerService } from '@nestjs/common';
import type { Level, Logger as Pino } from 'pino';
import { requestLogs } from './request-log';

/** Nest's exception handlers pass `(message, stack)` to `error()`, the stack as a string. */
const STACK = /\n\s*at /;

/**
 * Nest's logger (`new Logger(Context)` everywhere, `app.useLogger`) written as pino JSON lines,
 * with the request's `req` (its id) on every line written while a request is handled. The
 * lines keep the shape nestjs-pino gave them: `context` from the last argument, an Error as
 * `err`, an object message merged into the line.
 */
export class AppLogger implements LoggerService {
  /**
   * `root`: every line of the app; `access`: the access lines (installAccessLog), written to
   * the same output without redaction (their fields are fixed and hold no secret).
   */
  constructor(
    readonly root: Pino,
    readonly access: Pino,
  ) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** The request's logger inside a request, else the root one. */
  private get logger(): Pino {
    return requestLogs.getStore()?.logger ?? this.root;
  }

  private write(level: Level, message: unknown, optional: unknown[]): void {
    if (!this.root.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    // A named Nest logger appends its context as the last argument.
    let params = optional;
    if (optional.length > 0) {
      fields.context = optional[optional.length - 1];
      params = optional.slice(0, -1);
    }
    const logger = this.logger;
    if (typeof message === 'object' && message !== null) {
      if (message instanceof Error) fields.err = message;
      else Object.assign(fields, message);
      logger[level](fields, ...(params as []));
    } else if (
      level === 'error' &&
      typeof message === 'string' &&
      params.length === 1 &&
      typeof params[0] === 'string' &&
      STACK.test(params[0])
    ) {
      const err = new Error(message);
      err.stack = params[0];
      fields.err = err;
      logger[level](fields);
    } else {
      logger[level](fields, message as string, ...(params as []));
    }
  }
}
