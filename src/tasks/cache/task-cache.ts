import type { Provider } from '@nestjs/common';
import type { VersionedCache } from '../../cache/versioned-cache';
import { VersionedCacheFactory } from '../../cache/versioned-cache.factory';
import type { TaskResponseDto } from '../dto/task-response.dto';

/**
 * A task's response body as the cache holds it: `labels` as ids only. Names and colours come
 * from the labels module's per-project label cache on every read, so renaming, recolouring or
 * deleting a label never touches the entries of the tasks carrying it.
 */
export type CachedTask = Omit<TaskResponseDto, 'labels'> & { label_ids: number[] };

/**
 * The single-task cache: the task (which carries `project_id` and `assignee_id`, all the
 * visibility check needs) under its row version (which makes the ETag). Only
 * `GET /tasks/{id}` reads it; lists and stats always come from MySQL.
 */
export type TaskCache = VersionedCache<CachedTask>;

export const TASK_CACHE = Symbol('TASK_CACHE');

export const TASK_CACHE_TTL_MS = 5 * 60 * 1000;

/** The cache entry of a task response. */
export function toCachedTask(task: TaskResponseDto): CachedTask {
  const { labels, ...rest } = task;
  return { ...rest, label_ids: labels.map((label) => label.id) };
}

export const taskCacheProvider: Provider = {
  provide: TASK_CACHE,
  inject: [VersionedCacheFactory],
  useFactory: (factory: VersionedCacheFactory): TaskCache =>
    factory.create<CachedTask>({ namespace: 'task', ttlMs: TASK_CACHE_TTL_MS }),
};
