import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { toTaskResponse } from '../dto/task-response.dto';
import { TaskLabelsService } from '../labels/task-labels.service';
import { TASK_CACHE, TaskCache, toCachedTask } from './task-cache';
import { TasksRepository } from '../persistence/tasks.repository';

/** At most this many tasks are preloaded, the most recently updated first. */
export const WARMUP_MAX_TASKS = 1000;
/** Among the newest rows by id (see TasksRepository.findRecentlyUpdatedForCache). */
const WARMUP_SCAN_WINDOW = 20_000;
/** The whole warm-up (waiting for Redis, the query, the writes) stops after this long. */
const WARMUP_BUDGET_MS = 2000;
/** How long the warm-up waits for a Redis connection that is still being made at boot. */
const WARMUP_REDIS_WAIT_MS = 1000;

/**
 * Preloads the most recently updated tasks into the cache at start, in the background: the
 * boot (and readiness) never waits for it, it gives up after WARMUP_BUDGET_MS, and it skips
 * quietly when Redis is down. Correctness does not depend on it; it only saves first misses.
 */
@Injectable()
export class TaskCacheWarmup implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TaskCacheWarmup.name);
  private running: Promise<number> = Promise.resolve(0);

  constructor(
    private readonly tasks: TasksRepository,
    private readonly labels: TaskLabelsService,
    @Inject(TASK_CACHE) private readonly cache: TaskCache,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.warm().catch((error: unknown) => {
      this.logger.warn(
        `Cache warm-up failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return 0;
    });
  }

  /** The number of tasks the warm-up stored, once it has finished (0 when skipped or failed). */
  whenDone(): Promise<number> {
    return this.running;
  }

  /** A shutdown right after boot waits for the (bounded) warm-up rather than cut its queries. */
  async onModuleDestroy(): Promise<void> {
    await this.running;
  }

  private async warm(): Promise<number> {
    const started = Date.now();
    const deadline = started + WARMUP_BUDGET_MS;
    if (!(await this.cache.whenReady(WARMUP_REDIS_WAIT_MS))) {
      this.logger.log('Cache warm-up skipped: Redis is not available');
      return 0;
    }
    const stored = await this.cache.preload(async () => {
      const tasks = await this.tasks.findRecentlyUpdatedForCache(
        WARMUP_MAX_TASKS,
        WARMUP_SCAN_WINDOW,
      );
      const labelIds = await this.labels.labelIdsOf(tasks.map((task) => task.id));
      return tasks.map((task) => ({
        id: task.id,
        value: {
          ...toCachedTask(toTaskResponse(task, [])),
          label_ids: labelIds.get(task.id) ?? [],
        },
        version: task.version,
      }));
    }, deadline);
    this.logger.log(`Cache warm-up stored ${stored} tasks in ${Date.now() - started} ms`);
    return stored;
  }
}
