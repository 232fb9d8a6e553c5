import type Redis from 'ioredis';
import { MetricsService } from '../metrics/metrics.service';
import { AUTH_THROTTLER, RedisThrottlerStorage } from './redis-throttler.storage';

type FakeRedis = {
  status: string;
  defineCommand: jest.Mock;
  rateLimitHit: jest.Mock<Promise<[number, number]>, [string, number]>;
};

function fakeRedis(status = 'ready'): FakeRedis {
  return { status, defineCommand: jest.fn(), rateLimitHit: jest.fn() };
}

function storageWith(redis: FakeRedis): {
  storage: RedisThrottlerStorage;
  metrics: MetricsService;
} {
  const metrics = new MetricsService();
  return { storage: new RedisThrottlerStorage(redis as unknown as Redis, metrics), metrics };
}

describe(RedisThrottlerStorage.name, () => {
  it('should report the Redis count and block past the limit', async () => {
    const redis = fakeRedis();
    redis.rateLimitHit.mockResolvedValueOnce([3, 42_100]).mockResolvedValueOnce([4, 42_000]);
    const { storage } = storageWith(redis);

    await expect(storage.increment('rl:user:1', 60_000, 3, 60_000, 'user')).resolves.toEqual({
      totalHits: 3,
      timeToExpire: 43,
      isBlocked: false,
      timeToBlockExpire: 43,
      counted: true,
    });
    await expect(storage.increment('rl:user:1', 60_000, 3, 60_000, 'user')).resolves.toMatchObject({
      isBlocked: true,
    });
    expect(redis.rateLimitHit).toHaveBeenCalledWith('rl:user:1', 60_000);
  });

  it('should fail open for the per-user limit when Redis errors, and skip Redis for a while', async () => {
    const redis = fakeRedis();
    redis.rateLimitHit.mockRejectedValue(new Error('Command timed out'));
    const { storage, metrics } = storageWith(redis);

    const first = await storage.increment('rl:user:1', 60_000, 1, 60_000, 'user');
    const second = await storage.increment('rl:user:1', 60_000, 1, 60_000, 'user');

    expect(first).toMatchObject({ counted: false, isBlocked: false });
    expect(second).toMatchObject({ counted: false, isBlocked: false });
    expect(redis.rateLimitHit).toHaveBeenCalledTimes(1);
    expect(await metrics.render()).toMatch(
      /rate_limit_storage_failures_total\{limit="user",fallback="fail_open"\} 2/,
    );
  });

  it('should count the auth limit in-process while Redis is not connected', async () => {
    const redis = fakeRedis('reconnecting');
    const { storage } = storageWith(redis);

    const hits = [];
    for (let i = 0; i < 3; i += 1)
      hits.push(await storage.increment('rl:auth:ip:1.2.3.4', 60_000, 2, 60_000, AUTH_THROTTLER));

    expect(hits.map((h) => [h.totalHits, h.isBlocked, h.counted])).toEqual([
      [1, false, true],
      [2, false, true],
      [3, true, true],
    ]);
    expect(redis.rateLimitHit).not.toHaveBeenCalled();
  });
});
