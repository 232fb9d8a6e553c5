import type { Provider } from '@nestjs/common';
import type { VersionedCache } from '../cache/versioned-cache';
import { VersionedCacheFactory } from '../cache/versioned-cache.factory';
import type { LabelSet } from './label-set';

/**
 * Every project's labels, shared by every instance. Task responses in the task cache keep only
 * their label ids and take names and colours from here when read, so renaming, recolouring or
 * deleting a label costs one write of this entry (written through after the label's commit),
 * whatever the number of tasks carrying it. Versioned by `label_versions.version`.
 */
export type LabelCache = VersionedCache<LabelSet>;

export const LABEL_CACHE = Symbol('LABEL_CACHE');

export const LABEL_CACHE_TTL_MS = 5 * 60 * 1000;

export const labelCacheProvider: Provider = {
  provide: LABEL_CACHE,
  inject: [VersionedCacheFactory],
  useFactory: (factory: VersionedCacheFactory): LabelCache =>
    factory.create<LabelSet>({ namespace: 'project-labels', ttlMs: LABEL_CACHE_TTL_MS }),
};
