import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { loadDotEnv } from './config/env';
import { WorkerPoolService } from './jobs/worker-pool.service';

/** Active jobs get this long after SIGTERM (a container's default grace period is 30 s). */
const SHUTDOWN_GRACE_MS = 28_000;

/**
 * The worker-only process (`npm run start:worker`): the same modules as the API, no HTTP
 * listener, and the worker pool always on. Run any number beside any number of API instances.
 */
async function bootstrap(): Promise<void> {
  loadDotEnv();
  const app = await NestFactory.createApplicationContext(AppModule, { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  const logger = new Logger('Worker');
  await app.get(WorkerPoolService).start();

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: finishing active jobs`);
    setTimeout(() => {
      logger.error(
        'Active jobs did not finish in time; they will be picked up again by another worker',
      );
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
  logger.log('Worker process ready');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
