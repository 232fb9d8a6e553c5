import { EventEmitter } from 'node:events';
import { MetricsService } from '../metrics/metrics.service';
import type { RedisClient } from '../redis/redis-client';
import { parseEntry, TOMBSTONE_VERSION, VersionedCache } from './versioned-cache';

interface Value {
  title: string;
}

/** The parts of ioredis the cache uses; the scripts themselves are tested against Redis (e2e). */
class FakeRedis extends EventEmitter {
  status = 'ready';
  defineCommand = jest.fn();
  /** Stored entries by key; the epoch key answers '7'. */
  entries = new Map<string, string>();
  get = jest
    .fn<Promise<string | null>, [string]>()
    .mockImplementation((key) =>
      Promise.resolve(key === 'cache:task:epoch' ? '7' : (this.entries.get(key) ?? null)),
    );
  /** A single Redis (not a cluster): the cache reads the epoch and an entry with one MGET. */
  isCluster = false;
  mget = jest
    .fn<Promise<Array<string | null>>, string[]>()
    .mockImplementation((...keys) => Promise.all(keys.map((key) => this.get(key))));
  versionedCacheSetIfNewer = jest
    .fn<Promise<number>, [string, string, number, string, number, string]>()
    .mockResolvedValue(1);
  versionedCacheBumpEpoch = jest.fn<Promise<number>, [string]>().mockResolvedValue(8);
}

function setup(): { redis: FakeRedis; cache: VersionedCache<Value>; metrics: MetricsService } {
  const redis = new FakeRedis();
  const metrics = new MetricsService();
  const cache = new VersionedCache<Value>(
    redis as unknown as RedisClient,
    { namespace: 'task', ttlMs: 60_000 },
    metrics,
  );
  return { redis, cache, metrics };
}

/** A promise and the function that resolves it. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe(VersionedCache.name, () => {
  let current: VersionedCache<Value> | undefined;

  afterEach(() => {
    current?.stop();
    current = undefined;
  });

  function make(): ReturnType<typeof setup> {
    const made = setup();
    current = made.cache;
    return made;
  }

  describe('keys and reads', () => {
    it('should read the epoch key and the entry key by id (ioredis adds the prefix)', async () => {
      const { redis, cache } = make();
      redis.entries.set('cache:task:42', '7|3|{"title":"a"}');

      await expect(cache.read(42)).resolves.toEqual({
        kind: 'hit',
        value: { title: 'a' },
        version: 3,
      });
      expect(redis.get.mock.calls.map((c) => c[0]).sort()).toEqual([
        'cache:task:42',
        'cache:task:epoch',
      ]);
    });

    it('should not count an entry of another epoch, or one in an unknown form', async () => {
      const { redis, cache } = make();
      redis.entries.set('cache:task:1', '6|3|{"title":"before the outage"}');
      redis.entries.set('cache:task:2', '3|{"title":"the format before epochs were stored"}');

      await expect(cache.read(1)).resolves.toEqual({ kind: 'miss', epoch: '7' });
      await expect(cache.read(2)).resolves.toEqual({ kind: 'miss', epoch: '7' });
    });

    it('should parse entries with a JSON that holds the separator', () => {
      expect(parseEntry('12|3|{"t":"a|b"}')).toEqual({
        epoch: '12',
        version: 3,
        json: '{"t":"a|b"}',
      });
      expect(parseEntry(`0|${TOMBSTONE_VERSION}|`)).toEqual({
        epoch: '0',
        version: TOMBSTONE_VERSION,
        json: '',
      });
      expect(parseEntry('x|3|{}')).toBeNull();
      expect(parseEntry('3|{}')).toBeNull();
    });

    it('should report a miss with the epoch it was read in, and a tombstone as deleted', async () => {
      const { redis, cache, metrics } = make();

      await expect(cache.read(1)).resolves.toEqual({ kind: 'miss', epoch: '7' });
      redis.entries.set('cache:task:1', `7|${TOMBSTONE_VERSION}|`);
      await expect(cache.read(1)).resolves.toEqual({ kind: 'deleted' });
      const text = await metrics.render();
      expect(text).toMatch(/cache_requests_total\{cache="task",result="miss"\} 1/);
      expect(text).toMatch(/cache_requests_total\{cache="task",result="hit"\} 1/);
    });

    it('should bypass Redis while it is not connected, without an epoch to fill', async () => {
      const { redis, cache, metrics } = make();
      redis.status = 'reconnecting';

      await expect(cache.read(1)).resolves.toEqual({ kind: 'miss' });
      expect(redis.get).not.toHaveBeenCalled();
      expect(await metrics.render()).toMatch(
        /cache_requests_total\{cache="task",result="bypass"\} 1/,
      );
    });

    it('should let one failed read send every cache sharing its breaker past Redis', async () => {
      const redis = new FakeRedis();
      const metrics = new MetricsService();
      const breaker = { until: 0 };
      const client = redis as unknown as RedisClient;
      const tasks = new VersionedCache<Value>(
        client,
        { namespace: 'task', ttlMs: 60_000 },
        metrics,
        breaker,
      );
      const access = new VersionedCache<Value>(
        client,
        { namespace: 'access', ttlMs: 60_000 },
        metrics,
        breaker,
      );
      redis.get.mockRejectedValueOnce(new Error('Command timed out'));

      await expect(tasks.read(1)).resolves.toEqual({ kind: 'miss' });
      redis.get.mockClear();
      await expect(access.read(1)).resolves.toEqual({ kind: 'miss' });
      expect(redis.get).not.toHaveBeenCalled();
      tasks.stop();
      access.stop();
    });

    it('should skip Redis for a while after a failed read instead of waiting on every request', async () => {
      const { redis, cache, metrics } = make();
      redis.get.mockRejectedValueOnce(new Error('Command timed out'));

      await expect(cache.read(1)).resolves.toEqual({ kind: 'miss' });
      await expect(cache.read(1)).resolves.toEqual({ kind: 'miss' });
      expect(redis.get).toHaveBeenCalledTimes(2);
      expect(await metrics.render()).toMatch(
        /cache_errors_total\{cache="task",operation="read"\} 1/,
      );
    });
  });

  describe('loads', () => {
    it('should load once for concurrent callers and fill in the epoch the miss was read in', async () => {
      const { redis, cache } = make();
      const row = deferred<{ value: Value; version: number } | null>();
      const loader = jest.fn(() => row.promise);

      const first = cache.load(5, '7', loader);
      const second = cache.load(5, '7', loader);
      row.resolve({ value: { title: 'x' }, version: 2 });

      await expect(Promise.all([first, second])).resolves.toEqual([
        { value: { title: 'x' }, version: 2 },
        { value: { title: 'x' }, version: 2 },
      ]);
      expect(loader).toHaveBeenCalledTimes(1);
      expect(redis.versionedCacheSetIfNewer).toHaveBeenCalledTimes(1);
      expect(redis.versionedCacheSetIfNewer).toHaveBeenCalledWith(
        'cache:task:5',
        '7',
        2,
        '{"title":"x"}',
        expect.any(Number),
        'fill',
      );
    });

    it('should not cache a task that was not found', async () => {
      const { redis, cache } = make();
      await expect(cache.load(5, '7', () => Promise.resolve(null))).resolves.toBeNull();
      expect(redis.versionedCacheSetIfNewer).not.toHaveBeenCalled();
    });

    it('should not let a read after a write join a load that began before it', async () => {
      const { cache } = make();
      const old = deferred<{ value: Value; version: number } | null>();
      const before = cache.load(5, '7', () => old.promise);

      await cache.afterWrite(5, { title: 'new' }, 3);
      const after = cache.load(5, '7', () =>
        Promise.resolve({ value: { title: 'new' }, version: 3 }),
      );
      old.resolve({ value: { title: 'old' }, version: 2 });

      await expect(after).resolves.toEqual({ value: { title: 'new' }, version: 3 });
      await expect(before).resolves.toEqual({ value: { title: 'old' }, version: 2 });
    });

    it('should put a TTL with ±10% jitter on every entry', async () => {
      const { redis, cache } = make();
      for (let i = 0; i < 20; i += 1) await cache.afterWrite(i, { title: 't' }, 1);
      const ttls = redis.versionedCacheSetIfNewer.mock.calls.map((call) => call[4]);
      expect(Math.min(...ttls)).toBeGreaterThanOrEqual(54_000);
      expect(Math.max(...ttls)).toBeLessThanOrEqual(66_000);
    });
  });

  describe('writes', () => {
    it('should write the new version through, or a tombstone on delete, in the newest epoch seen', async () => {
      const { redis, cache } = make();
      await cache.afterWrite(9, { title: 'v4' }, 4);
      await cache.read(1);
      await cache.afterWrite(9, null, 0);

      expect(
        redis.versionedCacheSetIfNewer.mock.calls.map((c) => [c[0], c[1], c[2], c[3], c[5]]),
      ).toEqual([
        ['cache:task:9', '0', 4, '{"title":"v4"}', 'write'],
        ['cache:task:9', '7', TOMBSTONE_VERSION, '', 'write'],
      ]);
    });

    it('should stop reading the cache after a failed write until the epoch is bumped', async () => {
      const { redis, cache } = make();
      redis.versionedCacheSetIfNewer.mockRejectedValueOnce(new Error('Command timed out'));
      redis.versionedCacheBumpEpoch.mockRejectedValueOnce(new Error('Command timed out'));

      await cache.afterWrite(9, { title: 'v4' }, 4);
      expect(cache.isReconciling).toBe(true);

      // The bump fails: the read must not touch the entry.
      await expect(cache.read(9)).resolves.toEqual({ kind: 'miss' });
      expect(redis.get).not.toHaveBeenCalled();

      // Redis answers again: the ready event bumps the epoch, then reads resume.
      redis.emit('ready');
      await Promise.resolve();
      await expect(cache.read(9)).resolves.toEqual({ kind: 'miss', epoch: '7' });
      expect(cache.isReconciling).toBe(false);
      expect(redis.versionedCacheBumpEpoch).toHaveBeenLastCalledWith('cache:task:epoch');
    });

    it('should treat a lost connection as an outage and bump the epoch when it is back', async () => {
      const { redis, cache } = make();
      redis.status = 'reconnecting';
      redis.emit('close');
      expect(cache.isReconciling).toBe(true);

      redis.status = 'ready';
      await expect(cache.read(1)).resolves.toEqual({ kind: 'miss', epoch: '7' });
      expect(redis.versionedCacheBumpEpoch).toHaveBeenCalledTimes(1);
      expect(cache.isReconciling).toBe(false);
    });

    it('should not count a bump that was sent before a later failed write', async () => {
      const { redis, cache } = make();
      redis.versionedCacheSetIfNewer.mockRejectedValue(new Error('Command timed out'));
      await cache.afterWrite(1, { title: 'a' }, 2);

      const bump = deferred<number>();
      redis.versionedCacheBumpEpoch.mockReturnValueOnce(bump.promise);
      const reading = cache.read(1);
      await cache.afterWrite(2, { title: 'b' }, 2);
      bump.resolve(8);

      await expect(reading).resolves.toEqual({ kind: 'miss' });
      expect(cache.isReconciling).toBe(true);
      redis.versionedCacheSetIfNewer.mockResolvedValue(1);
      await expect(cache.read(1)).resolves.toEqual({ kind: 'miss', epoch: '7' });
      expect(redis.versionedCacheBumpEpoch).toHaveBeenCalledTimes(2);
    });

    it('should not fill while unreconciled', async () => {
      const { redis, cache } = make();
      redis.versionedCacheSetIfNewer.mockRejectedValueOnce(new Error('down'));
      await cache.afterWrite(1, { title: 'a' }, 2);
      redis.versionedCacheSetIfNewer.mockClear();

      await cache.load(3, '7', () => Promise.resolve({ value: { title: 'c' }, version: 1 }));
      expect(redis.versionedCacheSetIfNewer).not.toHaveBeenCalled();
    });
  });

  describe('preload', () => {
    it('should store entries only in the epoch read before loading them', async () => {
      const { redis, cache } = make();
      const order: string[] = [];
      redis.get.mockImplementationOnce(() => {
        order.push('epoch');
        return Promise.resolve('7');
      });
      redis.versionedCacheSetIfNewer.mockResolvedValueOnce(1).mockResolvedValueOnce(0);

      const stored = await cache.preload(() => {
        order.push('load');
        return Promise.resolve([
          { id: 1, value: { title: 'a' }, version: 1 },
          { id: 2, value: { title: 'b' }, version: 5 },
        ]);
      }, Date.now() + 1000);

      expect(order).toEqual(['epoch', 'load']);
      expect(stored).toBe(1);
      expect(redis.versionedCacheSetIfNewer.mock.calls.map((c) => [c[0], c[1], c[5]])).toEqual([
        ['cache:task:1', '7', 'fill'],
        ['cache:task:2', '7', 'fill'],
      ]);
    });

    it('should store nothing past its deadline or while Redis is down', async () => {
      const { redis, cache } = make();
      const load = jest.fn(() => Promise.resolve([{ id: 1, value: { title: 'a' }, version: 1 }]));

      await expect(cache.preload(load, Date.now() - 1)).resolves.toBe(0);
      redis.status = 'reconnecting';
      await expect(cache.preload(load, Date.now() + 1000)).resolves.toBe(0);
      expect(load).toHaveBeenCalledTimes(1);
      expect(redis.versionedCacheSetIfNewer).not.toHaveBeenCalled();
    });
  });
});
