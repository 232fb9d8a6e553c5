import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { freePort } from './server';
import { waitFor } from './wait';

/**
 * A private MariaDB server for tests that must stop and restart MySQL: its own data directory
 * in a temporary folder, its own port and socket. The machine's shared server is never touched.
 */
export class PrivateMariaDb {
  private process?: ChildProcess;
  private exited?: Promise<void>;
  private log = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** Creates a data directory (root with an empty password) and starts the server on it. */
  static async create(): Promise<PrivateMariaDb> {
    const dir = mkdtempSync(join(tmpdir(), 'mariadb-e2e-'));
    const db = new PrivateMariaDb(dir, await freePort());
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
    const child = spawn(
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
        '--skip-log-bin',
        '--innodb-buffer-pool-size=32M',
        '--innodb-buffer-pool-dump-at-shutdown=0',
        '--innodb-buffer-pool-load-at-startup=0',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => (this.log += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString('utf8')));
    this.process = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`mariadbd exited:\n${this.log}`);
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

  /** Stops the server with SIGTERM (a clean shutdown) and waits until it has exited. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** Stops the server and deletes its data directory. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
