import type { INestApplicationContext, LoggerService } from '@nestjs/common';

/**
 * On SIGTERM/SIGINT: close the application (in-flight requests and active jobs finish, pools
 * close) and exit 0; exit 1 if that takes longer than `graceMs` or fails. Used instead of
 * enableShutdownHooks(), which re-raises the signal after closing, so the process would end
 * with 143 rather than the clean exit 0 operators expect.
 *
 * The handlers stay installed after the first signal: under `npm run start:prod` a Ctrl-C (or a
 * supervisor signalling the whole process group) arrives twice, directly and forwarded by npm,
 * and a second signal without a listener would kill the process mid-shutdown.
 */
export function exitGracefullyOnSignals(
  app: INestApplicationContext,
  logger: LoggerService,
  graceMs: number,
  what: string,
): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.log(`${signal} received again: shutdown already in progress`);
      return;
    }
    stopping = true;
    logger.log(`${signal} received: finishing ${what}`);
    setTimeout(() => {
      logger.error(`Graceful shutdown did not finish within ${graceMs} ms`);
      process.exit(1);
    }, graceMs).unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error(`Shutdown failed: ${String(error)}`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
