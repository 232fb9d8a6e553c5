/**
 * The benchmark databases: seeded once with scripts/seed-data.ts and reused while their row
 * counts show they are seeded; the users, task ids and team project the scenarios use; and the
 * cleanup of the rows a run writes, so that the next run sees the same data.
 */
import type Redis from 'ioredis';
import { createConnection, createPool, Pool, RowDataPacket } from 'mysql2/promise';
import type { MysqlConnectionOptions } from 'typeorm/driver/mysql/MysqlConnectionOptions';
import type { AppConfig } from '../src/config/env';
import { runMigrationsLocked } from '../src/database/database-bootstrap';
import { buildDataSourceOptions } from '../src/database/database-options';
import { buildCountsRecount } from '../src/tasks/read-models/counts.sql';
import { buildBucketsRefresh } from '../src/tasks/read-models/search.sql';
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

/** The seeder's team project (issue 12): the one project that is not an inbox. */
export interface TeamProject {
  id: number;
  /** Its live seeded tasks (~98% of the 100,000 seeded in the 1M database; 10% of smaller ones). */
  tasks: number;
  members: number;
  owner: SeedUser;
  /** A member that is not the owner: reads the project's tasks (scenarios T1–T4). */
  member: SeedUser;
  /** The writer's role code (4 owner ... 1 viewer) in it; null when not a member. */
  writerRole: number | null;
  /** Seeded users outside it, added and removed again by scenarios T6/T7. */
  outsiders: SeedUser[];
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
  team: TeamProject;
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
 * other amount of data is refused (or dropped and seeded again with `reseed`); one seeded before
 * the seeder made the team project is seeded again, as nothing else can add the project's tasks.
 */
export async function ensureSeeded(
  config: AppConfig,
  env: Env,
  spec: DatasetSpec,
  options: { seed: boolean; reseed: boolean },
): Promise<void> {
  const found = await counts(config, spec.db);
  let withoutTeam = false;
  if (!options.reseed && found.tasks === spec.tasks && found.users === spec.users) {
    // Seeded by an earlier version: its schema gets the migrations added since (the service
    // would run them at start, but the harness reads and cleans the data before that).
    const dbOptions = buildDataSourceOptions({ ...config, db: { ...config.db, name: spec.db } });
    await runMigrationsLocked(dbOptions as MysqlConnectionOptions);
    if (await hasTeamProject(config, spec.db)) {
      console.log(`${spec.db}: already seeded (${found.tasks} tasks, ${found.users} users)`);
      return;
    }
    withoutTeam = true;
    console.log(`${spec.db}: seeded before the team project existed`);
  }
  const empty = found.tasks === 0 && found.users === 0;
  if (!empty && !options.reseed && !withoutTeam) {
    throw new Error(
      `${spec.db} holds ${found.tasks} tasks and ${found.users} seed users, expected ${spec.tasks} and ${spec.users}: pass --reseed to drop and seed it again`,
    );
  }
  if (!options.seed) {
    throw new Error(
      `${spec.db} ${withoutTeam ? 'has no team project' : 'is not seeded'} and --no-seed was given`,
    );
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
  const roles = {
    heavy: seed[0],
    normal: seed[middle],
    writer: seed[1],
    flooder: seed[2],
    spread: seed.filter((_, i) => i >= 3 && i !== middle).slice(0, 8),
  };
  return {
    db,
    tasks: Number(rows[0].n),
    users: seed.length,
    ...roles,
    team: await describeTeam(pool, db, seed, roles),
  };
}

/** The non-inbox project with the most members, or null (a database seeded before projects). */
async function findTeamProject(
  pool: Pool,
): Promise<{ id: number; ownerId: number; members: number } | null> {
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT id, owner_id, member_count FROM projects WHERE inbox_of IS NULL AND deleted_at IS NULL ORDER BY member_count DESC, id LIMIT 1',
  );
  if (rows.length === 0) return null;
  return {
    id: Number(rows[0].id),
    ownerId: Number(rows[0].owner_id),
    members: Number(rows[0].member_count),
  };
}

async function describeTeam(
  pool: Pool,
  db: string,
  seed: SeedUser[],
  roles: Pick<DatasetInfo, 'heavy' | 'normal' | 'writer' | 'flooder' | 'spread'>,
): Promise<TeamProject> {
  const project = await findTeamProject(pool);
  if (!project) {
    throw new Error(`${db}: no team project (seeded before projects): pass --reseed`);
  }
  const byId = new Map(seed.map((u) => [u.id, u]));
  const owner = byId.get(project.ownerId);
  if (!owner) throw new Error(`${db}: the team project's owner is not a seeded user`);
  const [memberRows] = await pool.query<RowDataPacket[]>(
    'SELECT user_id, role, added_at FROM project_members WHERE project_id = ? ORDER BY added_at, user_id DESC',
    [project.id],
  );
  const roleOf = new Map(memberRows.map((r) => [Number(r.user_id), Number(r.role)]));
  // The seeded members share the project's creation time, so the first non-owner in this order
  // is a seeded editor, never one that an interrupted run added later.
  const member = memberRows
    .map((r) => byId.get(Number(r.user_id)))
    .find((u) => u !== undefined && u.id !== owner.id && u.id !== roles.writer.id);
  if (!member) throw new Error(`${db}: the team project has no seeded member besides its owner`);
  const [counted] = await pool.query<RowDataPacket[]>(
    'SELECT COUNT(*) AS n FROM tasks WHERE project_id = ? AND deleted_at IS NULL AND title NOT LIKE ?',
    [project.id, `${BENCH_TITLE_PREFIX}%`],
  );
  // Users whose reads other scenarios measure stay out of the membership churn, unless no one
  // else is left (the smoke database's 20 users are all members but the heavy one).
  const busy = new Set(
    [roles.heavy, roles.normal, roles.writer, roles.flooder, ...roles.spread].map((u) => u.id),
  );
  // Never the writer, which ensureTeamWriter may make a member when it is not one.
  const outside = seed.filter((u) => !roleOf.has(u.id) && u.id !== roles.writer.id);
  const quiet = outside.filter((u) => !busy.has(u.id));
  return {
    id: project.id,
    tasks: Number(counted[0].n),
    members: project.members,
    owner,
    member,
    writerRole: roleOf.get(roles.writer.id) ?? null,
    outsiders: (quiet.length > 0 ? quiet : outside).slice(0, 200),
  };
}

/**
 * Whether `db` (seeded, migrated) holds the team project. Databases seeded before the seeder
 * made one have the right counts but not it.
 */
export async function hasTeamProject(config: AppConfig, db: string): Promise<boolean> {
  const pool = createPool({ ...connectionOptions(config), database: db, connectionLimit: 1 });
  try {
    return (await findTeamProject(pool)) !== null;
  } finally {
    await pool.end();
  }
}

/** Ids of the live tasks `userId` owns, in id order. */
export async function ownedTaskIds(pool: Pool, userId: number, limit: number): Promise<number[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT id FROM tasks WHERE user_id = ? AND deleted_at IS NULL ORDER BY id LIMIT ?',
    [userId, limit],
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Ids of the tasks this benchmark created in `userId`'s inbox (scenario 6, the create floor),
 * not those of scenario T6 in the team project, so that scenario 7 edits inbox tasks only.
 */
export async function benchTaskIds(pool: Pool, userId: number, limit: number): Promise<number[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT id FROM tasks WHERE user_id = ? AND project_id = (SELECT id FROM projects WHERE inbox_of = ?) AND deleted_at IS NULL AND title LIKE ? ORDER BY id LIMIT ?',
    [userId, userId, `${BENCH_TITLE_PREFIX}%`, limit],
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Deletes what runs wrote: the writer's bench tasks (in its inbox and in the team project) with
 * their events, task_search and attachment rows, the `project_added` notifications of the team project's
 * member churn, and the refresh tokens of logins since `since`. Seeded rows are left as they are.
 */
export async function cleanup(pool: Pool, info: DatasetInfo, since: Date): Promise<number> {
  const like = `${BENCH_TITLE_PREFIX}%`;
  const [held] = await pool.query<RowDataPacket[]>(
    'SELECT DISTINCT project_id FROM tasks WHERE user_id = ? AND title LIKE ?',
    [info.writer.id, like],
  );
  await pool.query(
    'DELETE e FROM task_events e JOIN tasks t ON t.id = e.task_id WHERE t.user_id = ? AND t.title LIKE ?',
    [info.writer.id, like],
  );
  // Scenarios A1/A2 delete their uploads through the API (which removes the bytes too); rows a
  // broken run left behind would point at tasks that no longer exist (attachments has no
  // foreign key), so they go with their tasks.
  await pool.query(
    'DELETE a FROM attachments a JOIN tasks t ON t.id = a.task_id WHERE t.user_id = ? AND t.title LIKE ?',
    [info.writer.id, like],
  );
  // The activity of bench tasks (scenario 6's creations, R3's comments and R4's edits) has no
  // foreign key either; comments go with their tasks by theirs (ON DELETE CASCADE).
  await pool.query(
    'DELETE a FROM task_activity a JOIN tasks t ON t.id = a.task_id WHERE t.user_id = ? AND t.title LIKE ?',
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
  // The hard delete bypasses the service, so the counters of the projects that held bench tasks
  // (task_counts and task_hourly_counts) are recounted from their rows. The bench tasks are unassigned: the cells they moved are
  // their project's (kind 1) and the writer's in that project (kind 3), and a recount of the
  // project sets all of its cells.
  // The same for task_search's bucket versions: the service's cached search counts of those
  // projects must not outlive the rows they counted.
  for (const row of held) {
    const projectId = Number(row.project_id);
    for (const query of [
      ...buildCountsRecount(projectId, projectId),
      ...buildBucketsRefresh(projectId, projectId),
    ]) {
      await pool.query(query.sql, query.params);
    }
  }
  // R5's labels (their task_labels rows went with the bench tasks, by the foreign key).
  await pool.query("DELETE FROM labels WHERE project_id = ? AND name LIKE 'bench-%'", [
    info.team.id,
  ]);
  // The seeder writes no notifications: every project_added of the team project is the churn's.
  await pool.query("DELETE FROM notifications WHERE project_id = ? AND type = 'project_added'", [
    info.team.id,
  ]);
  await pool.query('DELETE FROM refresh_tokens WHERE created_at >= ?', [since]);
  return Number((result as unknown as { affectedRows: number }).affectedRows);
}

/** Deletes the Redis keys under `pattern` (SCAN + UNLINK), never anything else. */
export async function deleteKeys(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
