/**
 * Child processes of the benchmark: the built service (`node dist/main.js`), the floor server
 * and the seeder. Only processes started here are ever signalled, by their own pid.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';

export const ROOT = join(__dirname, '..');
const TS_NODE_BIN = join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');

type Env = Record<string, string | undefined>;

/** A free TCP port on this machine (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The src files whose compiled dist/*.js is missing or older than the source. */
export function staleDistFiles(): string[] {
  const src = join(ROOT, 'src');
  return sourceFiles(src).filter((file) => {
    const compiled = join(ROOT, 'dist', relative(src, file)).replace(/\.ts$/, '.js');
    return !existsSync(compiled) || statSync(compiled).mtimeMs < statSync(file).mtimeMs;
  });
}

/** Builds dist/ when any compiled file is missing or stale (`npm run build`). */
export function ensureFreshBuild(): void {
  const stale = staleDistFiles();
  if (stale.length === 0) {
    console.log('dist/ is up to date with src/');
    return;
  }
  console.log(`dist/ is stale (${stale.length} files, e.g. ${relative(ROOT, stale[0])}): building`);
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

/** Runs the seeder (`scripts/seed-data.ts`) against `dbName`, printing its progress. */
export function runSeeder(env: Env, dbName: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [TS_NODE_BIN, '--transpile-only', 'scripts/seed-data.ts', ...args],
      { cwd: ROOT, env: { ...env, DB_NAME: dbName }, stdio: 'inherit' },
    );
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`seeding ${dbName} failed (exit ${code})`)),
    );
  });
}

export interface Managed {
  name: string;
  url: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, name: string, logFile: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-3000) : '';
  throw new Error(`${name} did not become ready (log ${logFile}):\n${tail}`);
}

/**
 * Starts a node process with its stdout/stderr in `logFile`, waits until `readyPath` answers
 * 2xx, and returns a handle whose stop() sends SIGTERM (SIGKILL after 30 s) to that pid only.
 */
export async function startProcess(options: {
  name: string;
  args: string[];
  env: Env;
  port: number;
  readyPath: string;
  logFile: string;
}): Promise<Managed> {
  const log = openSync(options.logFile, 'a');
  const child = spawn(process.execPath, options.args, {
    cwd: ROOT,
    env: options.env,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const url = `http://127.0.0.1:${options.port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitReady(url + options.readyPath, child, options.name, options.logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  if (child.pid === undefined) throw new Error(`${options.name} has no pid`);
  return { name: options.name, url, pid: child.pid, logFile: options.logFile, stop };
}

/**
 * The node options of `npm run start:prod` (package.json), e.g. the heap limit, so the harness
 * measures the service exactly as it is started in production.
 */
export function startProdNodeOptions(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const match = /^(?:exec\s+)?node((?:\s+--[\w-]+(?:=\S+)?)*)\s+dist\/main\.js$/.exec(
    pkg.scripts['start:prod'],
  );
  if (!match) throw new Error(`start:prod is not "[exec] node [--options] dist/main.js"`);
  return match[1].split(/\s+/).filter((arg) => arg.length > 0);
}

export function startService(env: Env, port: number, logFile: string): Promise<Managed> {
  return startProcess({
    name: `service (${env.DB_NAME})`,
    args: [...startProdNodeOptions(), join(ROOT, 'dist', 'main.js')],
    env: { ...env, PORT: String(port) },
    port,
    readyPath: '/health/ready',
    logFile,
  });
}

export function startFloor(env: Env, port: number, logFile: string): Promise<Managed> {
  return startProcess({
    name: `floor (${env.DB_NAME})`,
    args: [TS_NODE_BIN, '--transpile-only', join('bench', 'floor-server.ts')],
    env: { ...env, PORT: String(port) },
    port,
    readyPath: '/health',
    logFile,
  });
}

/** The bare file server of scenario A2 (bench/file-floor-server.ts), streaming `file`. */
export function startFileFloor(file: string, port: number, logFile: string): Promise<Managed> {
  return startProcess({
    name: 'file floor',
    args: [TS_NODE_BIN, '--transpile-only', join('bench', 'file-floor-server.ts')],
    env: { PATH: process.env.PATH, FLOOR_FILE: file, PORT: String(port) },
    port,
    readyPath: '/health',
    logFile,
  });
}

/** Resident set size of a local process in bytes (/proc/<pid>/status VmRSS), or undefined. */
export function rssOfPid(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
