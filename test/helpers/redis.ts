import Redis from 'ioredis';
import { ChildServer } from './child-server';
import { freePort } from './server';

/**
 * A private `redis-server` for tests that must stop, restart or pause Redis: its own port, no
 * persistence. The machine's shared Redis (6379) is never touched.
 */
export class PrivateRedis {
  private server?: ChildServer;

  private constructor(readonly port: number) {}

  static async create(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  /** Starts the server (again, on the same port) and waits until it answers PING. */
  async start(): Promise<void> {
    this.server = await ChildServer.start(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      async () => (await this.command((c) => c.ping())) === 'PONG',
      { timeoutMs: 10_000, intervalMs: 50, what: `redis-server on port ${this.port}` },
    );
  }

  /** Kills the server (SIGKILL: no goodbye to clients) and waits until it has exited. */
  async kill(): Promise<void> {
    await this.server?.stop('SIGKILL');
  }

  /** Runs one command on a short-lived connection of its own. */
  async command<T>(run: (client: Redis) => Promise<T>, timeoutMs = 1000): Promise<T> {
    const client = new Redis({
      host: '127.0.0.1',
      port: this.port,
      lazyConnect: true,
      // No INFO ready check: it would wait out a CLIENT PAUSE instead of timing out.
      enableReadyCheck: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await run(client);
    } finally {
      client.disconnect();
    }
  }
}
