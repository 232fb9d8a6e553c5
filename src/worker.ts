import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { exitGracefullyOnSignals } from './common/process/graceful-shutdown';
import { loadConfig, loadDotEnv, processEnv } from './config/env';
import { WorkerPoolService } from './jobs/worker-pool.service';
import { AppLogger } from './logging/app-logger';
import { BootLogger } from './logging/boot-logger';

/** Active jobs get this long after SIGTERM (a container's default grace period is 30 s). */
const SHUTDOWN_GRACE_MS = 28_000;

/**
 * The worker-only process (`npm run start:worker`): the same modules as the API, no HTTP
 * listener, and the worker pool always on. Run any number beside any number of API instances.
 */
const bootLogger = new BootLogger();

async function bootstrap(): Promise<void> {
  // Until the configured logger takes over, Nest's own lines are JSON too.
  Logger.overrideLogger(bootLogger);
  loadDotEnv();
  // Refuse a bad configuration before Nest starts, with one line naming every problem.
  loadConfig(processEnv());
  const app = await NestFactory.createApplicationContext(AppModule, { bufferLogs: true });
  app.useLogger(app.get(AppLogger));
  const logger = new Logger('Worker');
  exitGracefullyOnSignals(app, logger, SHUTDOWN_GRACE_MS, 'active jobs');
  await app.get(WorkerPoolService).start();
  logger.log('Worker process ready');
}

bootstrap().catch((error: unknown) => {
  bootLogger.bootFailed(error);
  process.exit(1);
});
