import { Module } from '@nestjs/common';
import { VersionedCacheFactory } from './versioned-cache.factory';

/**
 * Versioned cache-aside in Redis (see VersionedCache). Generic: it knows no feature; a feature
 * module provides its own cache from the factory (e.g. TASK_CACHE in tasks/).
 */
@Module({
  providers: [VersionedCacheFactory],
  exports: [VersionedCacheFactory],
})
export class CacheModule {}
