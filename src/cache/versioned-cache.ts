import { Logger } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import type { RedisClient } from '../redis/redis-client';
import { CACHE_BUMP_EPOCH_SCRIPT, CACHE_SET_IF_NEWER_SCRIPT } from './versioned-cache.scripts';

/** A tombstone's version: higher than any real one, so nothing can overwrite a deleted entry. */
export const TOMBSTONE_VERSION = Number.MAX_SAFE_INTEGER;
const RECONCILE_INTERVAL_MS = 250;
/** After a failed read, skip Redis for this long instead of paying a timeout per request. */
const READ_BREAKER_MS = 1000;
/** Preload writes go out this many at a time (pipelined on the one connection). */
const PRELOAD_BATCH = 100;

/**
 * When reads may try Redis again. One is shared by every cache on one client (the factory's):
 * a read that timed out means Redis is unwell for all of them, and a request reads several
 * caches (task, access, labels), so each paying its own timeout would add up past the 2 s a
 * request may take while Redis is down.
 */
export interface ReadBreaker {
  until: number;
}

export interface CacheOptions {
  /** Entry namespace, e.g. `task`. */
  namespace: string;
  /** Base time to live; every entry gets it with ±10% jitter. */
  ttlMs: number;
}

export interface Versioned<T> {
  value: T;
  version: number;
}

export type CacheRead<T> =
  | ({ kind: 'hit' } & Versioned<T>)
  | { kind: 'deleted' }
  /** Not cached (or cache not usable now); `epoch` is set when a fill may follow. */
  | { kind: 'miss'; epoch?: string };

type ScriptedRedis = RedisClient & {
  versionedCacheSetIfNewer(
    entryKey: string,
    epoch: string,
    version: number,
    json: string,
    ttlMs: number,
    mode: 'fill' | 'write',
  ): Promise<number>;
  versionedCacheBumpEpoch(epochKey: string): Promise<number>;
};

/** An entry as stored: `<epoch>|<version>|<json>`; null when the text is not in that form. */
export function parseEntry(raw: string): { epoch: string; version: number; json: string } | null {
  const first = raw.indexOf('|');
  const second = first < 0 ? -1 : raw.indexOf('|', first + 1);
  if (second < 0) return null;
  const epoch = raw.slice(0, first);
  const version = Number(raw.slice(first + 1, second));
  if (!/^\d+$/.test(epoch) || !Number.isSafeInteger(version)) return null;
  return { epoch, version, json: raw.slice(second + 1) };
}

/**
 * Cache-aside for versioned entities in Redis, correct across any number of instances:
 * - an entry is only replaced by a newer version, so a slow reader cannot put an old row back
 *   after a write (the classic cache-aside race), and a delete leaves a tombstone;
 * - a write that cannot reach Redis, or any loss of the connection (Redis may have restarted
 *   from an older snapshot, or dropped our last commands), makes this instance stop reading the
 *   cache and, as soon as Redis answers, bump the epoch that every entry must carry to count,
 *   retiring every instance's entries at once before anything is read from the cache again;
 * - keys are built here, never in a script, and no script touches two keys, so it runs on
 *   Redis Cluster as on one Redis (a read is one MGET on one Redis, two GETs on a cluster);
 * - one load per key at a time in this process (stampede protection), a TTL with jitter on
 *   every key (so the cache stays bounded beside BullMQ's noeviction data).
 * Redis errors never escape: the caller falls back to MySQL.
 *
 * Not covered: another instance may still read an entry between Redis coming back and this
 * instance's epoch bump (milliseconds: the bump is sent on the connection's `ready` event), or
 * during a partition that cuts off only the writer; and a process that dies between a commit
 * and its cache update leaves the old entry until its TTL ends.
 */
export class VersionedCache<T> {
  private readonly logger: Logger;
  private readonly redis: ScriptedRedis;
  private readonly epochKey: string;
  private readonly entryPrefix: string;
  /** The newest epoch this process has read; writes are tagged with it (see the SET script). */
  private lastEpoch = '0';
  private readonly inflight = new Map<string, Promise<Versioned<T> | null>>();
  private unreconciled = false;
  /** Grows on every failure, so a bump sent before a later failure does not clear that one. */
  private failures = 0;
  private reconciling?: Promise<boolean>;
  private reconcileTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    redis: RedisClient,
    private readonly options: CacheOptions,
    private readonly metrics: MetricsService,
    private readonly breaker: ReadBreaker = { until: 0 },
  ) {
    this.logger = new Logger(`VersionedCache:${options.namespace}`);
    if (!('versionedCacheSetIfNewer' in redis)) {
      redis.defineCommand('versionedCacheSetIfNewer', {
        numberOfKeys: 1,
        lua: CACHE_SET_IF_NEWER_SCRIPT,
      });
      redis.defineCommand('versionedCacheBumpEpoch', {
        numberOfKeys: 1,
        lua: CACHE_BUMP_EPOCH_SCRIPT,
      });
    }
    this.redis = redis as ScriptedRedis;
    // ioredis adds REDIS_KEY_PREFIX to both.
    this.epochKey = `cache:${options.namespace}:epoch`;
    this.entryPrefix = `cache:${options.namespace}:`;
    redis.on('ready', this.onReady);
    redis.on('close', this.onClose);
  }

  /** True while a failed write's invalidation has not reached Redis yet. */
  get isReconciling(): boolean {
    return this.unreconciled;
  }

  async read(id: number): Promise<CacheRead<T>> {
    if (Date.now() < this.breaker.until || this.redis.status !== 'ready') return this.bypass();
    if (this.unreconciled && !(await this.reconcile())) return this.bypass();
    try {
      const [storedEpoch, raw] = await this.readEpochAndEntry(this.entryPrefix + String(id));
      const epoch = storedEpoch ?? '0';
      this.lastEpoch = epoch;
      const entry = raw === null ? null : parseEntry(raw);
      if (entry === null || entry.epoch !== epoch) {
        this.metrics.cacheRequest(this.options.namespace, 'miss');
        return { kind: 'miss', epoch };
      }
      this.metrics.cacheRequest(this.options.namespace, 'hit');
      if (entry.version === TOMBSTONE_VERSION) return { kind: 'deleted' };
      return { kind: 'hit', value: JSON.parse(entry.json) as T, version: entry.version };
    } catch (error) {
      this.breaker.until = Date.now() + READ_BREAKER_MS;
      this.recordError('read', error);
      return this.bypass();
    }
  }

  /**
   * Loads `id` once for all concurrent callers in this process and fills the cache with the
   * result (unless the epoch moved meanwhile). A null result is not cached.
   */
  load(
    id: number,
    epoch: string | undefined,
    loader: () => Promise<Versioned<T> | null>,
  ): Promise<Versioned<T> | null> {
    const key = String(id);
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const promise: Promise<Versioned<T> | null> = (async () => {
      const loaded = await loader();
      if (loaded && epoch !== undefined) await this.fill(id, loaded, epoch);
      return loaded;
    })().finally(() => {
      if (this.inflight.get(key) === promise) this.inflight.delete(key);
    });
    this.inflight.set(key, promise);
    return promise;
  }

  /** After a committed write: store the new version (or a tombstone), before responding. */
  async afterWrite(id: number, value: T | null, version: number): Promise<void> {
    // A load that began before this write may return the old row; later readers in this
    // process must not join it.
    this.inflight.delete(String(id));
    const stored =
      value === null
        ? { json: '', version: TOMBSTONE_VERSION }
        : { json: JSON.stringify(value), version };
    try {
      if (this.redis.status !== 'ready') throw new Error(`Redis is ${this.redis.status}`);
      await this.redis.versionedCacheSetIfNewer(
        this.entryPrefix + String(id),
        this.lastEpoch,
        stored.version,
        stored.json,
        this.ttlWithJitter(),
        'write',
      );
    } catch (error) {
      this.recordError('invalidate', error);
      this.markUnreconciled();
    }
  }

  /** Resolves true once the connection is ready, false if it is not within `timeoutMs`. */
  whenReady(timeoutMs: number): Promise<boolean> {
    if (this.redis.status === 'ready') return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ready: boolean): void => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        resolve(ready);
      };
      const onReady = (): void => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.redis.on('ready', onReady);
    });
  }

  /**
   * Warm-up: reads the epoch, then `loadEntries` (from the source of truth), then stores them
   * unless the epoch moved meanwhile or an entry is newer. Stops at `deadline` (epoch ms) or at
   * the first Redis error. Returns how many entries were stored.
   */
  async preload(
    loadEntries: () => Promise<Array<{ id: number } & Versioned<T>>>,
    deadline: number,
  ): Promise<number> {
    if (this.unreconciled || this.redis.status !== 'ready') return 0;
    let epoch: string;
    try {
      epoch = (await this.redis.get(this.epochKey)) ?? '0';
      this.lastEpoch = epoch;
    } catch (error) {
      this.recordError('preload', error);
      return 0;
    }
    const entries = await loadEntries();
    let stored = 0;
    for (let i = 0; i < entries.length; i += PRELOAD_BATCH) {
      if (Date.now() >= deadline || this.stopped || this.unreconciled) break;
      if (this.redis.status !== 'ready') break;
      try {
        const written = await Promise.all(
          entries
            .slice(i, i + PRELOAD_BATCH)
            .map((entry) =>
              this.redis.versionedCacheSetIfNewer(
                this.entryPrefix + String(entry.id),
                epoch,
                entry.version,
                JSON.stringify(entry.value),
                this.ttlWithJitter(),
                'fill',
              ),
            ),
        );
        stored += written.reduce((sum, n) => sum + Number(n), 0);
      } catch (error) {
        this.recordError('preload', error);
        break;
      }
    }
    return stored;
  }

  /** Stops background work and detaches from the (shared) client; call on shutdown. */
  stop(): void {
    this.stopped = true;
    this.stopTimer();
    this.redis.off('ready', this.onReady);
    this.redis.off('close', this.onClose);
  }

  private readonly onReady = (): void => void this.reconcile();

  private readonly onClose = (): void => {
    if (!this.stopped) this.markUnreconciled();
  };

  private async fill(id: number, loaded: Versioned<T>, epoch: string): Promise<void> {
    // While unreconciled the epoch is about to move; a fill now could only be retired again.
    if (this.unreconciled) return;
    try {
      // Tagged with the epoch read before the load: if a bump came since, the entry does not
      // count (readers compare epochs), so a load from before an outage is never served.
      await this.redis.versionedCacheSetIfNewer(
        this.entryPrefix + String(id),
        epoch,
        loaded.version,
        JSON.stringify(loaded.value),
        this.ttlWithJitter(),
        'fill',
      );
    } catch (error) {
      this.recordError('fill', error);
    }
  }

  private markUnreconciled(): void {
    this.unreconciled = true;
    this.failures += 1;
    if (this.stopped) return;
    this.reconcileTimer ??= setInterval(() => void this.reconcile(), RECONCILE_INTERVAL_MS);
    this.reconcileTimer.unref();
  }

  /** Bumps the epoch once Redis answers again; until then the cache is not read. */
  private reconcile(): Promise<boolean> {
    if (!this.unreconciled) return Promise.resolve(true);
    if (this.redis.status !== 'ready') return Promise.resolve(false);
    this.reconciling ??= this.bumpEpoch().finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  private async bumpEpoch(): Promise<boolean> {
    const failuresBefore = this.failures;
    try {
      const epoch = await this.redis.versionedCacheBumpEpoch(this.epochKey);
      this.lastEpoch = String(epoch);
      // A failure after the bump was sent may postdate it: that one needs its own bump.
      if (this.failures !== failuresBefore) return false;
      this.unreconciled = false;
      this.breaker.until = 0;
      this.stopTimer();
      this.logger.warn(
        `Redis is back: cache epoch bumped to ${epoch}, entries written before the outage are retired`,
      );
      return true;
    } catch (error) {
      this.breaker.until = Date.now() + READ_BREAKER_MS;
      this.recordError('reconcile', error);
      return false;
    }
  }

  private stopTimer(): void {
    clearInterval(this.reconcileTimer);
    this.reconcileTimer = undefined;
  }

  /**
   * The epoch and an entry, read together: one MGET on one Redis (one command instead of two
   * on the hot read), two GETs on Redis Cluster, where the two keys live in different slots.
   */
  private readEpochAndEntry(entryKey: string): Promise<Array<string | null>> {
    if (this.redis.isCluster) {
      return Promise.all([this.redis.get(this.epochKey), this.redis.get(entryKey)]);
    }
    return this.redis.mget(this.epochKey, entryKey);
  }

  private bypass(): CacheRead<T> {
    this.metrics.cacheRequest(this.options.namespace, 'bypass');
    return { kind: 'miss' };
  }

  private ttlWithJitter(): number {
    return Math.round(this.options.ttlMs * (0.9 + Math.random() * 0.2));
  }

  private recordError(operation: string, error: unknown): void {
    this.metrics.cacheError(this.options.namespace, operation);
    this.logger.debug(
      `Cache ${operation} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
