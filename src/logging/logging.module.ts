import { Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import pino from 'pino';
import { appConfig, AppConfigType } from '../config/app-config';
import { AppLogger } from './app-logger';

/** Paths whose values never reach a log line, wherever they appear. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.password',
  '*.passwordHash',
  '*.password_hash',
  '*.token',
  '*.refresh_token',
  '*.refreshToken',
  '*.secret',
];

/**
 * How often buffered lines are written at the latest. Lines are written in chunks of about
 * 4 KiB (a few dozen lines) instead of one write per line, which cost ~3% of the CPU of a
 * cached read; whatever is left is written when the app shuts down, or when the process exits
 * (pino flushes its destinations on exit), so only a SIGKILL can lose the last half second.
 */
const FLUSH_INTERVAL_MS = 500;

/**
 * The app's log output: stdout, buffered. It flushes on its own timer rather than sonic-boom's
 * `periodicFlush`, which nothing stops short of ending the stream (stdout): each app that
 * closed left its timer behind, writing an empty chunk twice a second for the life of the
 * process (a test run boots some 150 apps: ~300 useless writes a second by its end).
 */
@Injectable()
export class LogOutput implements OnApplicationShutdown {
  readonly stream = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  private readonly timer = setInterval(() => this.stream.flush(), FLUSH_INTERVAL_MS).unref();

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    try {
      this.stream.flushSync();
    } catch {
      // stdout is gone (a closed pipe): there is nowhere left to write, and shutdown goes on.
    }
  }
}

/**
 * Structured JSON logs (pino) with the request id on every line of a request: the app's
 * logger (AppLogger, given to Nest with `app.useLogger`); the HTTP app adds the access line
 * and the request context (installAccessLog).
 */
@Global()
@Module({
  providers: [
    LogOutput,
    {
      provide: AppLogger,
      inject: [appConfig.KEY, LogOutput],
      useFactory: (config: AppConfigType, { stream: output }: LogOutput) => {
        const app = pino(
          {
            level: config.logLevel,
            redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url,
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          },
          output,
        );
        // The access line's fields are fixed (request id, method, URL, status, time): nothing
        // in it for redaction to find, and the redaction pass over each line cost ~2%.
        const access = pino({ level: config.logLevel }, output);
        return new AppLogger(app, access);
      },
    },
  ],
  exports: [AppLogger],
})
export class LoggingModule {}
