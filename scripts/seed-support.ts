import { createPool, Pool } from 'mysql2/promise';
import type { MysqlConnectionOptions } from 'typeorm/driver/mysql/MysqlConnectionOptions';
import { AppConfig, loadConfig, loadDotEnv, processEnv } from '../src/config/env';
import { ensureDatabaseExists, runMigrationsLocked } from '../src/database/database-bootstrap';
import { buildDataSourceOptions } from '../src/database/database-options';

/** The configured database, created and migrated exactly as the service does on start. */
export async function prepareDatabase(): Promise<AppConfig> {
  loadDotEnv();
  const config = loadConfig(processEnv());
  const options = buildDataSourceOptions(config) as MysqlConnectionOptions;
  await ensureDatabaseExists(options);
  await runMigrationsLocked(options);
  return config;
}

/** A plain mysql2 pool on the configured database (UTC, like the app). */
export function openPool(config: AppConfig, connectionLimit: number): Pool {
  return createPool({
    host: config.db.host,
    port: config.db.port,
    user: config.db.user,
    password: config.db.password,
    database: config.db.name,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    connectionLimit,
  });
}

/** A `--name <n>` option of `util.parseArgs` values as a non-negative integer. */
export function intArg(
  args: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback: number,
): number {
  const raw = args[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer`);
  return n;
}

/** mulberry32: a small seeded PRNG, so a run is reproducible and cheap. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
