import { ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { freePort } from './server';
import { waitFor } from './wait';

/**
 * A private `redis-server` for tests that must stop, restart or pause Redis: its own port, no
 * persistence. The machine's shared Redis (6379) is never touched.
 */
export class PrivateRedis {
  private process?: ChildProcess;
  private exited?: Promise<void>;
  private log = '';

  private constructor(readonly port: number) {}

  static async create(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  /** Starts the server (again, on the same port) and waits until it answers PING. */
  async start(): Promise<void> {
    const child = spawn(
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
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => (this.log += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString('utf8')));
    this.process = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited:\n${this.log}`);
        return (await this.command((c) => c.ping())) === 'PONG';
      },
      { timeoutMs: 10_000, intervalMs: 50, what: `redis-server on port ${this.port}` },
    );
  }

  /** Kills the server (SIGKILL: no goodbye to clients) and waits until it has exited. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await this.exited;
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
