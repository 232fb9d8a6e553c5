import type { Provider } from '@nestjs/common';
import type { VersionedCache } from '../cache/versioned-cache';
import { VersionedCacheFactory } from '../cache/versioned-cache.factory';
import type { ProjectAccessEntry } from './project-access.repository';

/**
 * Who may see a project's tasks, shared by every instance: the task cache's visibility check
 * reads it on every cached `GET /tasks/{id}`, so a removed member loses access on the very
 * next request on every instance. Versioned by `projects.access_version`, written through after
 * every committed membership change, tombstoned when the project is deleted.
 */
export type ProjectAccessCache = VersionedCache<ProjectAccessEntry>;

export const PROJECT_ACCESS_CACHE = Symbol('PROJECT_ACCESS_CACHE');

export const PROJECT_ACCESS_CACHE_TTL_MS = 5 * 60 * 1000;

export const projectAccessCacheProvider: Provider = {
  provide: PROJECT_ACCESS_CACHE,
  inject: [VersionedCacheFactory],
  useFactory: (factory: VersionedCacheFactory): ProjectAccessCache =>
    factory.create<ProjectAccessEntry>({
      namespace: 'project-access',
      ttlMs: PROJECT_ACCESS_CACHE_TTL_MS,
    }),
};
