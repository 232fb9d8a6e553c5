import type { Provider } from '@nestjs/common';
import type { VersionedCache } from '../../cache/versioned-cache';
import { VersionedCacheFactory } from '../../cache/versioned-cache.factory';
import type { TaskResponseDto } from '../dto/task-response.dto';

/**
 * The single-task cache: the task's response body (which carries `user_id` and `assignee_id`,
 * all the visibility check needs) under its row version (which makes the ETag). Only
 * `GET /tasks/{id}` reads it; lists and stats always come from MySQL.
 */
export type TaskCache = VersionedCache<TaskResponseDto>;

export const TASK_CACHE = Symbol('TASK_CACHE');

export const TASK_CACHE_TTL_MS = 5 * 60 * 1000;

export const taskCacheProvider: Provider = {
  provide: TASK_CACHE,
  inject: [VersionedCacheFactory],
  useFactory: (factory: VersionedCacheFactory): TaskCache =>
    factory.create<TaskResponseDto>({ namespace: 'task', ttlMs: TASK_CACHE_TTL_MS }),
};
