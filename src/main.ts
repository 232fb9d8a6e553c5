import { Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { exitGracefullyOnSignals } from './common/process/graceful-shutdown';
import { loadConfig, loadDotEnv, processEnv } from './config/env';

/** How long in-flight requests and jobs get after SIGTERM before the process gives up. */
const SHUTDOWN_GRACE_MS = 25_000;

async function bootstrap(): Promise<void> {
  loadDotEnv();
  const { port } = loadConfig(processEnv());
  const app = await createApp();
  const logger = new Logger('Bootstrap');
  exitGracefullyOnSignals(app, logger, SHUTDOWN_GRACE_MS, 'in-flight requests and jobs');
  await app.listen({ port, host: '0.0.0.0' });
  logger.log(`Listening on port ${port}`);
}

bootstrap().catch((error: unknown) => {
  // Config errors name the variable; print them plainly so an operator sees them at once.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
