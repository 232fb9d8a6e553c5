import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import type { RedisClient } from '../redis/redis-client';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { CacheOptions, ReadBreaker, VersionedCache } from './versioned-cache';

/**
 * Makes the app's versioned caches on the shared fail-fast Redis client, under this
 * deployment's key prefix, and stops their background work on shutdown (before the client is
 * closed). Feature modules declare their own cache as a provider built here.
 */
@Injectable()
export class VersionedCacheFactory implements OnModuleDestroy {
  private readonly caches: Array<VersionedCache<unknown>> = [];
  /** One read breaker for every cache on the shared client (see ReadBreaker). */
  private readonly breaker: ReadBreaker = { until: 0 };

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly metrics: MetricsService,
  ) {}

  create<T>(options: CacheOptions): VersionedCache<T> {
    const cache = new VersionedCache<T>(this.redis, options, this.metrics, this.breaker);
    this.caches.push(cache);
    return cache;
  }

  onModuleDestroy(): void {
    for (const cache of this.caches) cache.stop();
  }
}
