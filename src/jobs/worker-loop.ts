import { SetMetadata } from '@nestjs/common';

export const WORKER_LOOP_KEY = 'jobs:worker-loop';

/**
 * Marks a provider of another module whose background loop runs exactly when this process's
 * workers do (the task event outbox relay): WorkerPoolService starts it after the workers and
 * stops it before them. The job core finds it by this mark instead of importing it.
 */
export const WorkerLoop = (): ClassDecorator => SetMetadata(WORKER_LOOP_KEY, true);

export interface WorkerLoopInstance {
  start(): void;
  /** Resolves once the loop's current round has finished. */
  stop(): Promise<void>;
}
