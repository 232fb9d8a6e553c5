import { ChildProcess, spawn } from 'node:child_process';
import { waitFor } from './wait';

/**
 * A server binary run by a test (a private mariadbd or redis-server): its output is kept for
 * the error message when it dies or never becomes ready.
 */
export class ChildServer {
  private log = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
  ) {}

  /**
   * Spawns `command` and waits until `ready()` is true; if it exits first or the wait times out,
   * kills it and throws (with its output when it exited).
   */
  static async start(
    command: string,
    args: string[],
    ready: () => Promise<boolean>,
    wait: { timeoutMs: number; intervalMs: number; what: string },
  ): Promise<ChildServer> {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const server = new ChildServer(child, exited);
    const keep = (chunk: Buffer): void => {
      server.log += chunk.toString('utf8');
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    try {
      await waitFor(async () => {
        if (child.exitCode !== null) throw new Error(`${command} exited:\n${server.log}`);
        return ready();
      }, wait);
    } catch (error) {
      await server.stop('SIGKILL'); // never leave a half-started server behind
      throw error;
    }
    return server;
  }

  /** Sends `signal` (SIGKILL after `killAfterMs` if given) and waits until the process exits. */
  async stop(signal: NodeJS.Signals, killAfterMs?: number): Promise<void> {
    const { child } = this;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    await this.exited;
    clearTimeout(timer);
  }
}
