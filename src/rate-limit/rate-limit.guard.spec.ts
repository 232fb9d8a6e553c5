import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import type { MetricsService } from '../metrics/metrics.service';
import { RateLimitedError } from './rate-limit.outcome';
import { RateLimitGuard } from './rate-limit.guard';
import type { RateLimitRecord } from './redis-throttler.storage';

class TestController {
  handler(): void {}
}

describe(RateLimitGuard.name, () => {
  let increment: jest.Mock<Promise<RateLimitRecord>, [string, number, number, number, string]>;
  let headers: Record<string, unknown>;

  const guardFor = async (options: ThrottlerModuleOptions): Promise<RateLimitGuard> => {
    const metrics = { rateLimitRejected: jest.fn() } as unknown as MetricsService;
    const storage = { increment } as unknown as ThrottlerStorage;
    const guard = new RateLimitGuard(options, storage, new Reflector(), metrics);
    await guard.onModuleInit();
    return guard;
  };

  const context = (): ExecutionContextHost => {
    headers = {};
    const reply = {
      header: (name: string, value: unknown) => {
        headers[name] = value;
        return reply;
      },
    };
    const host = new ExecutionContextHost(
      [{ user: { id: 3 }, ip: '10.0.0.7' }, reply],
      TestController,
      TestController.prototype.handler,
    );
    host.setType('http');
    return host;
  };

  const counted = (totalHits: number, limit: number): RateLimitRecord => ({
    totalHits,
    timeToExpire: 60,
    isBlocked: totalHits > limit,
    timeToBlockExpire: 60,
    counted: true,
  });

  beforeEach(() => {
    increment = jest.fn();
  });

  it('should count the caller with the plain settings and set the headers', async () => {
    increment.mockResolvedValue(counted(2, 5));
    const guard = await guardFor({
      throttlers: [
        { name: 'user', ttl: 60_000, limit: 5, getTracker: (req) => `user:${req.user.id}` },
      ],
      generateKey: (_context, tracker, name) => `rl:${name}:${tracker}`,
    });

    await expect(guard.canActivate(context())).resolves.toBe(true);
    expect(increment).toHaveBeenCalledWith('rl:user:user:3', 60_000, 5, 60_000, 'user');
    expect(headers).toEqual({
      'X-RateLimit-Limit': 5,
      'X-RateLimit-Remaining': 3,
      'X-RateLimit-Reset': 60,
    });
  });

  it('should resolve settings and trackers given as functions, async ones included', async () => {
    increment.mockResolvedValue(counted(4, 3));
    const guard = await guardFor({
      throttlers: [
        {
          name: 'user',
          ttl: () => 30_000,
          limit: () => Promise.resolve(3),
          blockDuration: () => Promise.resolve(90_000),
          getTracker: (req) => Promise.resolve(`user:${req.user.id}`),
        },
      ],
      generateKey: (_context, tracker, name) => `rl:${name}:${tracker}`,
    });

    await expect(guard.canActivate(context())).rejects.toBeInstanceOf(RateLimitedError);
    expect(increment).toHaveBeenCalledWith('rl:user:user:3', 30_000, 3, 90_000, 'user');
    expect(headers).toMatchObject({ 'X-RateLimit-Remaining': 0, 'Retry-After': 60 });
  });
});
