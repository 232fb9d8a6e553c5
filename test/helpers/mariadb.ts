import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { ChildServer } from './child-server';
import { freePort } from './server';

/**
 * A private MariaDB server for tests that must stop and restart MySQL: its own data directory
 * in a temporary folder, its own port and socket. The machine's shared server is never touched.
 */
export class PrivateMariaDb {
  private server?: ChildServer;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly args: readonly string[],
  ) {}

  /**
   * Creates a data directory (root with an empty password) and starts the server on it, with
   * `args` added to the server's command line (`--log-bin` among them turns binary logging on).
   */
  static async create(args: readonly string[] = []): Promise<PrivateMariaDb> {
    const dir = mkdtempSync(join(tmpdir(), 'mariadb-e2e-'));
    const db = new PrivateMariaDb(dir, await freePort(), args);
    try {
      await promisify(execFile)(
        'mariadb-install-db',
        [
          '--no-defaults',
          `--datadir=${join(dir, 'data')}`,
          '--auth-root-authentication-method=normal',
          '--skip-test-db',
          '--skip-name-resolve',
          '--user=root',
        ],
        { timeout: 60_000 },
      );
      await db.start();
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return db;
  }

  /** Starts `mariadbd` on the data directory and waits until it accepts connections. */
  async start(): Promise<void> {
    this.server = await ChildServer.start(
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${join(this.dir, 'data')}`,
        `--port=${this.port}`,
        `--socket=${join(this.dir, 'mysqld.sock')}`,
        `--pid-file=${join(this.dir, 'mysqld.pid')}`,
        '--bind-address=127.0.0.1',
        '--user=root',
        '--skip-name-resolve',
        ...(this.args.some((arg) => arg.startsWith('--log-bin')) ? [] : ['--skip-log-bin']),
        '--innodb-buffer-pool-size=32M',
        '--innodb-buffer-pool-dump-at-shutdown=0',
        '--innodb-buffer-pool-load-at-startup=0',
        ...this.args,
      ],
      async () => {
        const connection = await createConnection({
          host: '127.0.0.1',
          port: this.port,
          user: 'root',
          password: '',
          connectTimeout: 1000,
        });
        await connection.end();
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: `mariadbd on port ${this.port}` },
    );
  }

  /** Runs statements as root on a short-lived connection. */
  async sql(...statements: string[]): Promise<unknown[]> {
    const connection = await createConnection({
      host: '127.0.0.1',
      port: this.port,
      user: 'root',
      password: '',
      connectTimeout: 2000,
    });
    try {
      const results: unknown[] = [];
      for (const statement of statements) results.push((await connection.query(statement))[0]);
      return results;
    } finally {
      await connection.end();
    }
  }

  /** Kills the server (SIGKILL, no clean shutdown) and waits until it has exited. */
  async kill(): Promise<void> {
    await this.server?.stop('SIGKILL');
  }

  /** Stops the server with SIGTERM (a clean shutdown) and waits until it has exited. */
  async stop(): Promise<void> {
    await this.server?.stop('SIGTERM', 20_000);
  }

  /** Stops the server and deletes its data directory. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
