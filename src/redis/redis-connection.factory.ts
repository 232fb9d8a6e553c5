import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { AppConfigType, InjectAppConfig } from '../config/app-config';

/** A request must never wait on Redis longer than this; past it the caller falls back to MySQL. */
const REQUEST_COMMAND_TIMEOUT_MS = 500;
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * The one place Redis connections are made. Request-path clients fail fast (no offline queue,
 * bounded command timeout) so a dead or paused Redis never hangs a request; queue clients
 * (BullMQ) instead wait for Redis forever, as BullMQ requires. Every client is closed on shutdown.
 */
@Injectable()
export class RedisConnectionFactory implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnectionFactory.name);
  private readonly clients = new Set<Redis>();
  private lastErrorLogAt = 0;

  constructor(@InjectAppConfig() private readonly config: AppConfigType) {}

  /** The key prefix that separates this deployment's keys (`REDIS_KEY_PREFIX`). */
  get keyPrefix(): string {
    return this.config.redis.keyPrefix;
  }

  /**
   * A fail-fast client whose keys are prefixed with `REDIS_KEY_PREFIX`. Auto-pipelining sends
   * the commands that concurrent requests issue in the same tick as one write: a socket write
   * is the most expensive step of a Redis call on the request path.
   */
  createRequestClient(name: string): Redis {
    return this.track(
      new Redis({
        ...this.baseOptions(name),
        keyPrefix: this.config.redis.keyPrefix,
        enableAutoPipelining: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: REQUEST_COMMAND_TIMEOUT_MS,
        connectTimeout: 1000,
        retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      }),
    );
  }

  /**
   * A key-prefixed client for one blocking reader (the real-time stream's `XREAD BLOCK`): its
   * own connection, since a blocked connection serves no one else, and a command timeout just
   * above the longest block, so a silently dead connection fails the read instead of hanging it.
   */
  createBlockingClient(name: string, longestBlockMs: number): Redis {
    return this.track(
      new Redis({
        ...this.baseOptions(name),
        keyPrefix: this.config.redis.keyPrefix,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: longestBlockMs + 2000,
        // A read cut by a lost connection must fail, not be sent again after the reconnect:
        // its reader has to know it may have missed something while the connection was down.
        autoResendUnfulfilledCommands: false,
        connectTimeout: 1000,
        retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      }),
    );
  }

  /**
   * Options for BullMQ producers (Queue): like workers' but failing fast, as BullMQ recommends
   * for producers, so that enqueueing from a request never waits on a dead Redis.
   */
  queueProducerOptions(name: string): RedisOptions {
    return {
      ...this.baseOptions(name),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    };
  }

  /**
   * Options for BullMQ workers: no key prefix (BullMQ takes `prefix` itself) and
   * `maxRetriesPerRequest: null`, which BullMQ's blocking commands need.
   */
  queueConnectionOptions(name: string): RedisOptions {
    return {
      ...this.baseOptions(name),
      maxRetriesPerRequest: null,
      retryStrategy: (attempt) => Math.min(attempt * 500, 5000),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(
      [...this.clients].map(async (client) => {
        if (client.status === 'ready') await client.quit();
        else client.disconnect();
      }),
    );
    this.clients.clear();
  }

  private baseOptions(name: string): RedisOptions {
    const { host, port, password, db } = this.config.redis;
    return { host, port, password, db, connectionName: name };
  }

  private track(client: Redis): Redis {
    this.clients.add(client);
    // Without a listener ioredis reports every failed reconnect as an unhandled error event.
    client.on('error', (error: Error) => {
      const now = Date.now();
      if (now - this.lastErrorLogAt >= ERROR_LOG_INTERVAL_MS) {
        this.lastErrorLogAt = now;
        this.logger.warn(`Redis unavailable: ${error.message}`);
      }
    });
    client.on('end', () => this.clients.delete(client));
    return client;
  }
}
