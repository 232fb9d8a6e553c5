import { Global, Module } from '@nestjs/common';
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
 * Structured JSON logs (pino) with the request id on every line of a request: the app's
 * logger (AppLogger, given to Nest with `app.useLogger`); the HTTP app adds the access line
 * and the request context (installAccessLog).
 */
@Global()
@Module({
  providers: [
    {
      provide: AppLogger,
      inject: [appConfig.KEY],
      useFactory: (config: AppConfigType) =>
        new AppLogger(
          pino({
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
          }),
        ),
    },
  ],
  exports: [AppLogger],
})
export class LoggingModule {}
