/**
 * The benchmark databases: seeded once with scripts/seed-data.ts and reused while their row
 * counts show they are seeded; the users and task ids the scenarios use; and the cleanup of the
 * rows a run writes, so that the next run sees the same data.
 */
import { createConnection, createPool, Pool, RowDataPacket } from 'mysql2/promise';
import type { MysqlConnectionOptions } from 'typeorm/driver/mysql/MysqlConnectionOptions';
import type { AppConfig } from '../src/config/env';
import { runMigrationsLocked } from '../src/database/database-bootstrap';
import { buildDataSourceOptions } from '../src/database/database-options';
import { buildCountsRecount } from '../src/tasks/read-models/counts.sql';
import { runSeeder } from './processes';

export interface DatasetSpec {
  /** Database name; must start with `taskdb_bench` (it may be dropped with --reseed). */
  db: string;
  users: number;
  tasks: number;
}

/** Titles of tasks the benchmark creates; the cleanup deletes exactly these. */
export const BENCH_TITLE_PREFIX = 'Bench task';

export interface SeedUser {
  id: number;
  email: string;
}

export interface DatasetInfo {
  db: string;
  tasks: number;
  users: number;
  /** The first seeded user, who owns about 10% of the tasks. */
  heavy: SeedUser;
  /** A user in the middle of the seeded ones. */
  normal: SeedUser;
  /** Creates and edits tasks (scenarios 6 and 7), so reads see unchanged data. */
  writer: SeedUser;
  /** Logs in during the login flood. */
  flooder: SeedUser;
  /** More users whose tasks spread the cache-miss scenario over many ids. */
  spread: SeedUser[];
}

type Env = Record<string, string | undefined>;

function connectionOptions(config: AppConfig) {
  return {
    host: config.db.host,
    port: config.db.port,
    user: config.db.user,
    password: config.db.password,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z' as const,
  };
}

export function openPool(config: AppConfig): Pool {
  return createPool({ ...connectionOptions(config), database: config.db.name, connectionLimit: 2 });
}

async function counts(config: AppConfig, db: string): Promise<{ tasks: number; users: number }> {
  const connection = await createConnection(connectionOptions(config));
  try {
    const [tables] = await connection.query<RowDataPacket[]>(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN ('tasks', 'users')",
      [db],
    );
    if (tables.length < 2) return { tasks: 0, users: 0 };
    const [rows] = await connection.query<RowDataPacket[]>(
      `SELECT (SELECT COUNT(*) FROM \`${db}\`.tasks WHERE title NOT LIKE ?) AS tasks,
              (SELECT COUNT(*) FROM \`${db}\`.users WHERE email LIKE 'seed.%') AS users`,
      [`${BENCH_TITLE_PREFIX}%`],
    );
    return { tasks: Number(rows[0].tasks), users: Number(rows[0].users) };
  } finally {
    await connection.end();
  }
}

/**
 * Seeds `spec.db` unless its row counts show it is seeded already. A database holding some
 * other amount of data is refused (or dropped and seeded again with `reseed`).
 */
export async function ensureSeeded(
  config: AppConfig,
  env: Env,
  spec: DatasetSpec,
  options: { seed: boolean; reseed: boolean },
): Promise<void> {
  const found = await counts(config, spec.db);
  if (!options.reseed && found.tasks === spec.tasks && found.users === spec.users) {
    // Seeded by an earlier version: its schema gets the migrations added since (the service
    // would run them at start, but the harness reads and cleans the data before that).
    const dbOptions = buildDataSourceOptions({ ...config, db: { ...config.db, name: spec.db } });
    await runMigrationsLocked(dbOptions as MysqlConnectionOptions);
    console.log(`${spec.db}: already seeded (${found.tasks} tasks, ${found.users} users)`);
    return;
  }
  const empty = found.tasks === 0 && found.users === 0;
  if (!empty && !options.reseed) {
    throw new Error(
      `${spec.db} holds ${found.tasks} tasks and ${found.users} seed users, expected ${spec.tasks} and ${spec.users}: pass --reseed to drop and seed it again`,
    );
  }
  if (!options.seed) {
    throw new Error(`${spec.db} is not seeded and --no-seed was given`);
  }
  if (!empty || options.reseed) {
    if (!spec.db.startsWith('taskdb_bench')) {
      throw new Error(`refusing to drop ${spec.db}: only taskdb_bench* databases are dropped`);
    }
    const connection = await createConnection(connectionOptions(config));
    await connection.query(`DROP DATABASE IF EXISTS \`${spec.db}\``);
    await connection.end();
  }
  console.log(`${spec.db}: seeding ${spec.tasks} tasks over ${spec.users} users`);
  const started = Date.now();
  await runSeeder(env, spec.db, ['--users', String(spec.users), '--tasks', String(spec.tasks)]);
  console.log(`${spec.db}: seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The users and sizes of a seeded database. */
export async function describeDataset(pool: Pool, db: string): Promise<DatasetInfo> {
  const [users] = await pool.query<RowDataPacket[]>(
    "SELECT id, email FROM users WHERE email LIKE 'seed.%' ORDER BY id",
  );
  if (users.length < 5) throw new Error(`${db}: needs at least 5 seeded users`);
  const seed = users.map((u) => ({ id: Number(u.id), email: String(u.email) }));
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT COUNT(*) AS n FROM tasks WHERE title NOT LIKE ?',
    [`${BENCH_TITLE_PREFIX}%`],
  );
  const middle = Math.floor(seed.length / 2);
  return {
    db,
    tasks: Number(rows[0].n),
    users: seed.length,
    heavy: seed[0],
    normal: seed[middle],
    writer: seed[1],
    flooder: seed[2],
    spread: seed.filter((_, i) => i >= 3 && i !== middle).slice(0, 8),
  };
}

/** Ids of the live tasks `userId` owns, in id order. */
export async function ownedTaskIds(pool: Pool, userId: number, limit: number): Promise<number[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT id FROM tasks WHERE user_id = ? AND deleted_at IS NULL ORDER BY id LIMIT ?',
    [userId, limit],
  );
  return rows.map((r) => Number(r.id));
}

/** Ids of the tasks this benchmark created for `userId` (scenario 6, the create floor). */
export async function benchTaskIds(pool: Pool, userId: number, limit: number): Promise<number[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT id FROM tasks WHERE user_id = ? AND deleted_at IS NULL AND title LIKE ? ORDER BY id LIMIT ?',
    [userId, `${BENCH_TITLE_PREFIX}%`, limit],
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Deletes what runs wrote: the writer's bench tasks with their events and task_search rows, and
 * the refresh tokens of logins since `since`. Seeded rows are left as they are.
 */
export async function cleanup(pool: Pool, info: DatasetInfo, since: Date): Promise<number> {
  const like = `${BENCH_TITLE_PREFIX}%`;
  await pool.query(
    'DELETE e FROM task_events e JOIN tasks t ON t.id = e.task_id WHERE t.user_id = ? AND t.title LIKE ?',
    [info.writer.id, like],
  );
  // Their task_search rows would also go by the foreign key's cascade; deleting them first
  // does not depend on it.
  await pool.query(
    'DELETE s FROM task_search s JOIN tasks t ON t.id = s.task_id WHERE t.user_id = ? AND t.title LIKE ?',
    [info.writer.id, like],
  );
  const [result] = await pool.query<{ affectedRows: number } & RowDataPacket[]>(
    'DELETE FROM tasks WHERE user_id = ? AND title LIKE ?',
    [info.writer.id, like],
  );
  // The hard delete bypasses the service, so the counters of the writer's inbox (where its bench
  // tasks are, unassigned: nobody else's counters moved) are recounted from its rows.
  const [inbox] = await pool.query<RowDataPacket[]>('SELECT id FROM projects WHERE inbox_of = ?', [
    info.writer.id,
  ]);
  const inboxId = Number(inbox[0]?.id);
  for (const query of buildCountsRecount(inboxId, inboxId)) {
    await pool.query(query.sql, query.params);
  }
  await pool.query('DELETE FROM refresh_tokens WHERE created_at >= ?', [since]);
  return Number((result as unknown as { affectedRows: number }).affectedRows);
}
