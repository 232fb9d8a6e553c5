import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../redis/redis-client';
import { REDIS_CLIENT } from '../redis/redis.constants';

/** Redis Cluster's fixed number of hash slots. */
const CLUSTER_SLOTS = 16_384;

@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
  ) {}

  async isHealthy(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      await this.ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  /**
   * One Redis: PING. A cluster: PING the master of every slot, since any one node answers a
   * PING even while a lost master leaves its slots without an owner (ioredis drops a dead node
   * from its pool, but the slot map still names it until another master takes the slots over).
   */
  private async ping(): Promise<void> {
    if (!(this.redis instanceof Cluster)) {
      await this.redis.ping();
      return;
    }
    if (this.redis.status !== 'ready') throw new Error(`Redis Cluster is ${this.redis.status}`);
    const pool = new Map(
      this.redis.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]),
    );
    const owners = new Set<string>();
    for (let slot = 0; slot < CLUSTER_SLOTS; slot += 1) {
      const owner = this.redis.slots[slot]?.[0];
      if (owner === undefined) throw new Error(`Redis Cluster slot ${slot} has no master`);
      owners.add(owner);
    }
    const masters = [...owners].map((owner) => {
      const node = pool.get(owner);
      if (!node) throw new Error(`Redis Cluster master ${owner} is unreachable`);
      return node;
    });
    await Promise.all(masters.map((node) => node.ping()));
  }
}
