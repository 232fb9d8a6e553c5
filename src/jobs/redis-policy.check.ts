import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { RedisClient } from '../redis/redis-client';
import { REDIS_CLIENT } from '../redis/redis.constants';

/**
 * BullMQ needs `maxmemory-policy noeviction`: with an evicting policy Redis may silently drop
 * queue keys under memory pressure. Checked at start; a wrong policy is reported loudly.
 */
@Injectable()
export class RedisPolicyCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger(RedisPolicyCheck.name);

  constructor(@Inject(REDIS_CLIENT) private readonly redis: RedisClient) {}

  async onApplicationBootstrap(): Promise<void> {
    const policy = await this.maxmemoryPolicy();
    if (policy === null) return;
    if (policy !== 'noeviction') {
      this.logger.error(
        `Redis maxmemory-policy is "${policy}": the job queue needs "noeviction" or jobs may be lost. ` +
          'Set it in redis.conf (maxmemory-policy noeviction); every cache key already has a TTL.',
      );
    }
  }

  /** The policy, or null when Redis cannot tell (down, or CONFIG disabled by the provider). */
  async maxmemoryPolicy(): Promise<string | null> {
    try {
      const reply = (await this.redis.config('GET', 'maxmemory-policy')) as string[];
      return reply[1] ?? null;
    } catch (error) {
      this.logger.warn(
        `Could not read Redis maxmemory-policy (${error instanceof Error ? error.message : String(error)}); the job queue needs noeviction`,
      );
      return null;
    }
  }
}
