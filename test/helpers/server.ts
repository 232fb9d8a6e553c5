import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait';

export const ROOT = join(__dirname, '..', '..');
export const MAIN_JS = join(ROOT, 'dist', 'main.js');

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtimeMs(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Makes sure `dist/main.js` is built from the current sources: the process tests run the
 * real production entry point, so a stale build would test old code. Rebuilds (`nest build`,
 * about 10 s) only when a source file is newer than the build.
 */
export function ensureBuilt(): void {
  const sources = Math.max(
    newestMtimeMs(join(ROOT, 'src')),
    statSync(join(ROOT, 'tsconfig.json')).mtimeMs,
    statSync(join(ROOT, 'tsconfig.build.json')).mtimeMs,
  );
  if (existsSync(MAIN_JS) && statSync(MAIN_JS).mtimeMs > sources) return;
  execFileSync(join(ROOT, 'node_modules', '.bin', 'nest'), ['build'], {
    cwd: ROOT,
    stdio: 'pipe',
    timeout: 120_000,
  });
}

/** A TCP port nobody listens on right now (the OS picks it, then it is released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** Stops the process if it still runs (SIGKILL after 5 s). */
  stop: () => Promise<void>;
}

/**
 * Runs the built server (`node dist/main.js`) with the e2e environment plus `env`. It runs in
 * an empty temporary directory so that no developer `.env` leaks into it. Keys set to
 * `undefined` in `env` are removed from the child's environment.
 */
export function spawnServer(env: Record<string, string | undefined>, port = 0): ServerProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
    else childEnv[key] = value;
  }
  const cwd = mkdtempSync(join(tmpdir(), 'task-service-'));
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      rmSync(cwd, { recursive: true, force: true });
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return { child, port, baseUrl: `http://127.0.0.1:${port}`, output: () => output, exited, stop };
}

/** Spawns the built server on a free port and waits until `/health/live` answers. */
export async function startServer(
  env: Record<string, string | undefined> = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const server = spawnServer(env, port);
  let exitCode: number | string | undefined;
  void server.exited.then((code) => (exitCode = code));
  try {
    await waitFor(
      async () => {
        if (exitCode !== undefined) throw new Error(`server exited with ${exitCode}`);
        const res = await fetch(`${server.baseUrl}/health/live`);
        return res.status === 200;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'the server to listen' },
    );
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}\n${server.output()}`);
  }
  return server;
}

export interface NpmScriptProcess {
  /** The npm process (leader of its own process group, as a supervisor would start it). */
  child: ChildProcess;
  output: () => string;
  /** Resolves with npm's exit code (or the signal's name) once npm has ended. */
  exited: Promise<number | string>;
  /** True while any process of npm's process group still exists. */
  groupAlive: () => boolean;
  /** SIGKILLs whatever is left of the process group (cleanup after a failed test). */
  kill: () => Promise<void>;
}

/** Whether a process (or, with a negative id, a process group) exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `npm run <script>` from the repository root, as an operator or a supervisor does, with
 * the e2e environment plus `env`, in its own process group so a test can tell whether anything
 * it started outlives it.
 */
export function spawnNpmScript(
  script: string,
  env: Record<string, string | undefined>,
): NpmScriptProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  const child = spawn('npm', ['run', '--silent', script], {
    cwd: ROOT,
    env: childEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const pgid = child.pid!;
  const groupAlive = (): boolean => processExists(-pgid);
  const kill = async (): Promise<void> => {
    if (groupAlive()) process.kill(-pgid, 'SIGKILL');
    await waitFor(() => !groupAlive(), { timeoutMs: 5000, what: 'the process group to end' });
  };
  return { child, output: () => output, exited, groupAlive, kill };
}
