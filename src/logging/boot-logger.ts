import type { LoggerService } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';
import { ConfigValidationError } from '../config/env';
import { REDACTED_PATHS } from './logging.module';

/**
 * Logs of a process before its configured logger exists (Nest's bootstrap lines, a refused
 * configuration, a failed start), as pino JSON lines like every later line, so a log
 * collector never sees the colored text of Nest's default logger. The level is fixed: the
 * configured one may be the very thing that failed validation.
 */
export class BootLogger implements LoggerService {
  private readonly pino: Pino = pino({
    level: 'info',
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
  });

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
  /** Nest passes `(message, stack?, context?)`; a named logger always appends its context. */
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params, params.length > 1 ? params[0] : undefined);
  }

  /** The last line of a process that could not start; the caller exits. */
  bootFailed(error: unknown): void {
    if (error instanceof ConfigValidationError) {
      // The problems name variables and rules only; no value of a secret is in them.
      this.pino.fatal({ problems: error.problems }, error.message);
    } else if (error instanceof Error) {
      this.pino.fatal({ err: error }, `Startup failed: ${error.message}`);
    } else {
      this.pino.fatal(`Startup failed: ${String(error)}`);
    }
  }

  private write(level: pino.Level, message: unknown, params: unknown[], stack?: unknown): void {
    const context = params.at(-1);
    const fields: Record<string, unknown> = typeof context === 'string' ? { context } : {};
    if (typeof stack === 'string') fields.stack = stack;
    if (message instanceof Error) this.pino[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'string') this.pino[level](fields, message);
    else this.pino[level]({ ...fields, message }, 'log');
  }
}
