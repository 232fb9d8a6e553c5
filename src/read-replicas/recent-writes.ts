import { Inject, Injectable } from '@nestjs/common';
import type { RedisClient } from '../redis/redis-client';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { AppConfigType, InjectAppConfig } from '../config/app-config';

/** How long a write is remembered at least (longer when replicas may lag longer). */
const MIN_MEMORY_MS = 60_000;

/**
 * When each user last wrote, shared by every instance through Redis, so that the user's next
 * reads, on whichever instance, go to a replica only once it holds that write (read your own
 * writes). Without Redis every read counts as following a write: it goes to the primary.
 */
@Injectable()
export class RecentWrites {
  private readonly memoryMs: number;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    @InjectAppConfig() config: AppConfigType,
  ) {
    this.memoryMs = Math.max(MIN_MEMORY_MS, config.db.replicaMaxLagMs + 10_000);
  }

  /** Records a committed write by `userId` (before its response is sent). */
  async noteWrite(userId: number, at = Date.now()): Promise<void> {
    try {
      await this.redis.set(this.key(userId), String(at), 'PX', this.memoryMs);
    } catch {
      // Reads then find no record and may use a replica that lacks this write; while Redis is
      // down lastWriteOf sends every read to the primary, which covers the same window.
    }
  }

  /** When `userId` last wrote (epoch ms), 0 when not recently, +Infinity when unknown. */
  async lastWriteOf(userId: number): Promise<number> {
    try {
      const value = await this.redis.get(this.key(userId));
      return value === null ? 0 : Number(value);
    } catch {
      return Number.POSITIVE_INFINITY;
    }
  }

  private key(userId: number): string {
    return `ryw:${userId}`;
  }
}
