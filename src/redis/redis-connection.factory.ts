import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import Redis, { Cluster, ClusterOptions, RedisOptions } from 'ioredis';
import { AppConfigType, InjectAppConfig } from '../config/app-config';
import type { RedisClient } from './redis-client';

/** A request must never wait on Redis longer than this; past it the caller falls back to MySQL. */
const REQUEST_COMMAND_TIMEOUT_MS = 500;
const ERROR_LOG_INTERVAL_MS = 10_000;
/** How long shutdown waits for a client's QUIT before dropping its connections. */
const QUIT_WAIT_MS = 1000;

/** How the request-path options differ between one Redis and a cluster's nodes. */
const FAIL_FAST: RedisOptions = {
  maxRetriesPerRequest: 1,
  commandTimeout: REQUEST_COMMAND_TIMEOUT_MS,
  connectTimeout: 1000,
};

/**
 * The one place Redis connections are made, to one Redis or, with `REDIS_CLUSTER_NODES`, to a
 * Redis Cluster. Request-path clients fail fast (no offline queue, bounded command timeout) so a
 * dead or paused Redis never hangs a request; queue clients (BullMQ) instead wait for Redis
 * forever, as BullMQ requires. Every client is closed on shutdown.
 */
@Injectable()
export class RedisConnectionFactory implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnectionFactory.name);
  private readonly clients = new Set<RedisClient>();
  private lastErrorLogAt = 0;

  constructor(@InjectAppConfig() private readonly config: AppConfigType) {}

  /** The key prefix that separates this deployment's keys (`REDIS_KEY_PREFIX`). */
  get keyPrefix(): string {
    return this.config.redis.keyPrefix;
  }

  /** True when every Redis user runs on a Redis Cluster (`REDIS_CLUSTER_NODES`). */
  get isCluster(): boolean {
    return this.config.redis.clusterNodes !== null;
  }

  /**
   * A fail-fast client whose keys are prefixed with `REDIS_KEY_PREFIX`. Auto-pipelining sends
   * the commands that concurrent requests issue in the same tick as one write: a socket write
   * is the most expensive step of a Redis call on the request path.
   */
  createRequestClient(name: string): RedisClient {
    const retry = (attempt: number): number => Math.min(attempt * 200, 2000);
    if (this.isCluster) {
      return this.track(
        this.cluster(name, FAIL_FAST, {
          keyPrefix: this.config.redis.keyPrefix,
          enableAutoPipelining: true,
          enableOfflineQueue: false,
          clusterRetryStrategy: retry,
          // No retries on a cluster that is down or failing over: the request falls back to
          // MySQL now rather than after the retries (each up to the command timeout).
          retryDelayOnClusterDown: 0,
          retryDelayOnFailover: 0,
          retryDelayOnTryAgain: 0,
        }),
      );
    }
    return this.track(
      new Redis({
        ...this.baseOptions(name),
        ...FAIL_FAST,
        keyPrefix: this.config.redis.keyPrefix,
        enableAutoPipelining: true,
        enableOfflineQueue: false,
        retryStrategy: retry,
      }),
    );
  }

  /**
   * A key-prefixed client for one blocking reader (the real-time stream's `XREAD BLOCK`): its
   * own connection, since a blocked connection serves no one else, and a command timeout just
   * above the longest block, so a silently dead connection fails the read instead of hanging it.
   * On a cluster: a cluster client of its own, whose node connections block for it alone.
   */
  createBlockingClient(name: string, longestBlockMs: number): RedisClient {
    const blocking: RedisOptions = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: longestBlockMs + 2000,
      // A read cut by a lost connection must fail, not be sent again after the reconnect:
      // its reader has to know it may have missed something while the connection was down.
      autoResendUnfulfilledCommands: false,
      connectTimeout: 1000,
    };
    const retry = (attempt: number): number => Math.min(attempt * 200, 2000);
    if (this.isCluster) {
      return this.track(
        this.cluster(name, blocking, {
          keyPrefix: this.config.redis.keyPrefix,
          enableOfflineQueue: false,
          clusterRetryStrategy: retry,
          retryDelayOnClusterDown: 0,
          retryDelayOnFailover: 0,
          retryDelayOnTryAgain: 0,
        }),
      );
    }
    return this.track(
      new Redis({
        ...this.baseOptions(name),
        ...blocking,
        keyPrefix: this.config.redis.keyPrefix,
        retryStrategy: retry,
      }),
    );
  }

  /**
   * A connection for pub/sub subscriptions (a subscribed connection serves nothing else). No key
   * prefix: ioredis does not prefix channels, so callers put REDIS_KEY_PREFIX in the channel
   * name. It reconnects and subscribes again by itself; a message published while it was
   * disconnected is lost, so subscribers must treat messages as hints.
   */
  createSubscriberClient(name: string): RedisClient {
    const retry = (attempt: number): number => Math.min(attempt * 200, 2000);
    if (this.isCluster) {
      return this.track(
        this.cluster(name, { connectTimeout: 1000 }, { clusterRetryStrategy: retry }),
      );
    }
    return this.track(
      new Redis({ ...this.baseOptions(name), connectTimeout: 1000, retryStrategy: retry }),
    );
  }

  /**
   * The connection of BullMQ producers (Queue): like workers' but failing fast, as BullMQ
   * recommends for producers, so that enqueueing from a request never waits on a dead Redis.
   * On a cluster BullMQ needs a connected `Cluster` (it cannot make one from options).
   */
  queueProducerConnection(name: string): ConnectionOptions {
    const retry = (attempt: number): number => Math.min(attempt * 200, 2000);
    const failFast = { maxRetriesPerRequest: 1, connectTimeout: 1000 };
    if (this.isCluster) {
      return this.track(
        this.cluster(name, failFast, { enableOfflineQueue: false, clusterRetryStrategy: retry }),
      );
    }
    return {
      ...this.baseOptions(name),
      ...failFast,
      enableOfflineQueue: false,
      retryStrategy: retry,
    };
  }

  /**
   * The connection of BullMQ workers: no key prefix (BullMQ takes `prefix` itself) and
   * `maxRetriesPerRequest: null`, which BullMQ's blocking commands need.
   */
  queueWorkerConnection(name: string): ConnectionOptions {
    const retry = (attempt: number): number => Math.min(attempt * 500, 5000);
    if (this.isCluster) {
      return this.track(
        this.cluster(name, { maxRetriesPerRequest: null }, { clusterRetryStrategy: retry }),
      );
    }
    return { ...this.baseOptions(name), maxRetriesPerRequest: null, retryStrategy: retry };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(
      [...this.clients].map(async (client) => {
        // QUIT lets replies in flight arrive, but a cluster client whose nodes come and go (a
        // lost master) may never answer it: wait a moment at most, then drop the connections
        // for good, so that no client lives on reconnecting and keeps the process alive.
        if (client.status === 'ready') {
          await Promise.race([client.quit().catch(() => undefined), sleep(QUIT_WAIT_MS)]);
        }
        client.disconnect();
      }),
    );
    this.clients.clear();
  }

  private baseOptions(name: string): RedisOptions {
    const { host, port, password, db } = this.config.redis;
    return { host, port, password, db, connectionName: name };
  }

  /** A cluster client. A cluster has no numbered databases (REDIS_DB does not apply). */
  private cluster(name: string, nodeOptions: RedisOptions, options: ClusterOptions): Cluster {
    const { clusterNodes, password } = this.config.redis;
    return new Cluster(clusterNodes ?? [], {
      maxRedirections: 3,
      slotsRefreshTimeout: 1000,
      ...options,
      redisOptions: { password, connectionName: name, ...nodeOptions },
      // ioredis drops a dead master from its pool and re-adds it only on a slot refresh: a
      // periodic one brings it back after an outage without waiting for a MOVED reply.
      slotsRefreshInterval: 2000,
    });
  }

  private track<T extends RedisClient>(client: T): T {
    this.clients.add(client);
    // Without a listener ioredis reports every failed reconnect as an unhandled error event.
    client.on('error', (error: Error) => {
      const now = Date.now();
      if (now - this.lastErrorLogAt >= ERROR_LOG_INTERVAL_MS) {
        this.lastErrorLogAt = now;
        this.logger.warn(`Redis unavailable: ${error.message}`);
      }
    });
    // Kept until shutdown even once ended: an ended client can be connected again (BullMQ
    // reconnects its connections), and a cluster client that lives on untracked refreshes its
    // slots every 2 s for ever, keeping the process alive (a test run that hung at its end).
    if (client instanceof Cluster) {
      // BullMQ copies a worker's connection for its blocking reads and quits the copy itself,
      // which may never happen when a master is lost during shutdown: copies are closed here too.
      const duplicate = client.duplicate.bind(client);
      client.duplicate = (...args: Parameters<Cluster['duplicate']>) =>
        this.track(duplicate(...args));
    }
    return client;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
