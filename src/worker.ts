import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { exitGracefullyOnSignals } from './common/process/graceful-shutdown';
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
  exitGracefullyOnSignals(app, logger, SHUTDOWN_GRACE_MS, 'active jobs');
  await app.get(WorkerPoolService).start();
  logger.log('Worker process ready');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
