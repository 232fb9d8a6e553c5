import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { RedisClient } from '../redis/redis-client';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';
import { REDIS_CLIENT } from '../redis/redis.constants';

const LOG_INTERVAL_MS = 10_000;

/**
 * Wakes outbox relays as soon as a transaction that added outbox rows has committed, instead of
 * leaving the rows until the relay's next poll (up to 200 ms; the largest part of the real-time
 * fan-out latency, issue 14). The writer calls `nudge` after its commit, never before: a relay
 * woken early would find nothing and the rows would wait for the poll again. A relay running in
 * this process is woken directly; when none runs here (an API process with RUN_WORKERS=false)
 * the nudge is published on a Redis channel that the relays of every other process listen to.
 * Nudges are hints: a lost one (Redis down, a message dropped on reconnect) only means the rows
 * are picked up by the relays' regular poll, as before.
 */
@Injectable()
export class OutboxWakeups implements OnApplicationShutdown {
  private readonly logger = new Logger(OutboxWakeups.name);
  private readonly local = new Map<string, () => void>();
  private subscriber?: RedisClient;
  private lastLogAt = 0;

  constructor(
    private readonly factory: RedisConnectionFactory,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
  ) {}

  /**
   * Channels are not key-prefixed by ioredis; the deployment's prefix is added here so that two
   * deployments (or test runs) sharing one Redis do not wake each other's relays.
   */
  private get channel(): string {
    return `${this.factory.keyPrefix}outbox:wake`;
  }

  /** The relay of outbox `name` in this process takes nudges (while its loop runs). */
  listen(name: string, wake: () => void): void {
    this.local.set(name, wake);
    if (this.subscriber) return;
    const subscriber = this.factory.createSubscriberClient('outbox-wake');
    subscriber.on('message', (_channel: string, message: string) => this.local.get(message)?.());
    // ioredis subscribes again by itself after a reconnect.
    subscriber.subscribe(this.channel).catch((error: unknown) => this.logThrottled(error));
    this.subscriber = subscriber;
  }

  unlisten(name: string): void {
    this.local.delete(name);
    if (this.local.size > 0 || !this.subscriber) return;
    this.subscriber.disconnect();
    this.subscriber = undefined;
  }

  /** Call after a commit that added rows to outbox `name`: returns at once, never throws. */
  nudge(name: string): void {
    const wake = this.local.get(name);
    if (wake) {
      wake();
      return;
    }
    this.redis.publish(this.channel, name).catch((error: unknown) => this.logThrottled(error));
  }

  onApplicationShutdown(): void {
    this.local.clear();
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }

  private logThrottled(error: unknown): void {
    const now = Date.now();
    if (now - this.lastLogAt < LOG_INTERVAL_MS) return;
    this.lastLogAt = now;
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(`Outbox nudge not sent, the relays' poll will find the rows: ${reason}`);
  }
}
