import { Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { loadConfig, loadDotEnv, processEnv } from './config/env';

/** How long in-flight requests and jobs get after SIGTERM before the process gives up. */
const SHUTDOWN_GRACE_MS = 25_000;

async function bootstrap(): Promise<void> {
  loadDotEnv();
  const { port } = loadConfig(processEnv());
  const app = await createApp();
  const logger = new Logger('Bootstrap');

  // Our own signal handling rather than enableShutdownHooks(): Nest re-raises the signal after
  // closing, which ends the process with 143 instead of the clean exit 0 operators expect.
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: finishing in-flight work`);
    setTimeout(() => {
      logger.error('Graceful shutdown timed out');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error(`Shutdown failed: ${String(error)}`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  await app.listen({ port, host: '0.0.0.0' });
  logger.log(`Listening on port ${port}`);
}

bootstrap().catch((error: unknown) => {
  // Config errors name the variable; print them plainly so an operator sees them at once.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
