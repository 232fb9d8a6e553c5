import { Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { exitGracefullyOnSignals } from './common/process/graceful-shutdown';
import { loadConfig, loadDotEnv, processEnv } from './config/env';
import { BootLogger } from './logging/boot-logger';

/** How long in-flight requests and jobs get after SIGTERM before the process gives up. */
const SHUTDOWN_GRACE_MS = 25_000;

const bootLogger = new BootLogger();

async function bootstrap(): Promise<void> {
  // Until the configured logger takes over, Nest's own lines are JSON too.
  Logger.overrideLogger(bootLogger);
  loadDotEnv();
  const { port } = loadConfig(processEnv());
  const app = await createApp();
  const logger = new Logger('Bootstrap');
  exitGracefullyOnSignals(app, logger, SHUTDOWN_GRACE_MS, 'in-flight requests and jobs');
  await app.listen({ port, host: '0.0.0.0' });
  logger.log(`Listening on port ${port}`);
}

bootstrap().catch((error: unknown) => {
  bootLogger.bootFailed(error);
  process.exit(1);
});
