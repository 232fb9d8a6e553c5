/**
 * Fills the configured database with realistic data, fast:
 *   npm run seed:data -- --users 1000 --tasks 1000000 [--heavy 100000] [--shared 100000]
 *     [--members 50] [--password pw]
 * Every seeded user gets its inbox. The first seeded user is the "heavy" user owning `--heavy`
 * tasks in its inbox (default 10% of the tasks, at most 100,000); the next `--shared` tasks
 * (default the same) are in one team project of `--members` members (the 2nd to the
 * `members + 1`th seeded users, the 2nd its owner, the others editors), created by random
 * members; the rest are spread over all users' inboxes. Statuses, priorities, due dates,
 * assignees and Latin/Chinese titles are mixed; about 2% of tasks are soft-deleted.
 * Rows go in as multi-row INSERTs of 10,000, one transaction each, on `--connections` (default
 * 3) connections. On an EMPTY tasks table the secondary indexes and foreign keys are dropped
 * first and re-created afterwards from the table's own SHOW CREATE TABLE, so they cannot drift
 * from the migration: past ~600k rows, maintaining 8 random-order secondary indexes overflows
 * MariaDB's default 128 MB buffer pool and the inserts crawl (1M rows took ~318 s; sorted
 * index builds take seconds). The seeded users' task_counts, task_hourly_counts and task_search
 * rows are then filled set-based, as their migrations do. Server globals are not touched.
 */
import * as bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { buildCountsRecount } from '../src/tasks/read-models/counts.sql';
import { buildSearchRebuild } from '../src/tasks/read-models/search.sql';
import { intArg, openPool, prepareDatabase, prng } from './seed-support';

const BATCH = 10_000;
const DAY = 86_400_000;

const LATIN_VERBS = [
  'Write',
  'Review',
  'Fix',
  'Plan',
  'Update',
  'Deploy',
  'Test',
  'Design',
  'Prepare',
  'Migrate',
];
const LATIN_NOUNS = [
  'report',
  'release notes',
  'login page',
  'budget',
  'database backup',
  'onboarding guide',
  'API docs',
  'sprint board',
  'invoice',
  'roadmap',
];
const CHINESE_VERBS = [
  '完成',
  '编写',
  '审核',
  '修复',
  '更新',
  '部署',
  '测试',
  '设计',
  '准备',
  '整理',
];
const CHINESE_NOUNS = [
  '项目文档',
  '技术方案',
  '周报',
  '登录页面',
  '数据库备份',
  '接口文档',
  '发布说明',
  '预算表',
  '用户手册',
  '会议纪要',
];
const DESCRIPTIONS = [
  '',
  '编写项目的技术文档',
  'Follow up with the team before Friday.',
  '需要和产品经理确认需求细节',
  'Check the numbers twice; 100% accuracy needed.',
  'See the attached notes for context_and_links.',
  '整理上周的会议记录并发给大家',
];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

/** Seeded users with their inboxes, and the team project (null when there are too few users). */
interface SeededPeople {
  userIds: number[];
  /** inboxIds[i] is userIds[i]'s inbox. */
  inboxIds: number[];
  shared: { projectId: number; memberIds: number[] } | null;
}

/** One inbox per user (consecutive ids, as the users'), each with its owner as member. */
async function insertInboxes(pool: Pool, userIds: number[]): Promise<number[]> {
  const now = new Date();
  const ids: number[] = [];
  for (let start = 0; start < userIds.length; start += BATCH) {
    const owners = userIds.slice(start, start + BATCH);
    const [result] = await pool.query<ResultSetHeader>(
      'INSERT INTO projects (name, description, owner_id, inbox_of, member_count, access_version, created_at, updated_at) VALUES ?',
      [owners.map((id) => ['Inbox', '', id, id, 1, 1, now, now])],
    );
    const inboxes = owners.map((_, i) => result.insertId + i);
    await pool.query('INSERT INTO project_members (user_id, project_id, role, added_at) VALUES ?', [
      owners.map((id, i) => [id, inboxes[i], 4, now]),
    ]);
    ids.push(...inboxes);
  }
  return ids;
}

/** The team project: owned by `memberIds[0]`, the others editors. */
async function insertSharedProject(pool: Pool, memberIds: number[]): Promise<number> {
  const now = new Date();
  const [result] = await pool.query<ResultSetHeader>(
    'INSERT INTO projects (name, description, owner_id, inbox_of, member_count, access_version, created_at, updated_at) VALUES (?, ?, ?, NULL, ?, 1, ?, ?)',
    ['Team project', "The benchmark's shared project", memberIds[0], memberIds.length, now, now],
  );
  await pool.query('INSERT INTO project_members (user_id, project_id, role, added_at) VALUES ?', [
    memberIds.map((id, i) => [id, result.insertId, i === 0 ? 4 : 2, now]),
  ]);
  return result.insertId;
}

async function insertUsers(pool: Pool, count: number, passwordHash: string): Promise<number[]> {
  const tag = randomBytes(3).toString('hex');
  const now = new Date();
  const ids: number[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + BATCH); i += 1) {
      rows.push([`s${tag}_${i}`, `seed.${tag}.${i}@example.com`, passwordHash, now, now]);
    }
    const [result] = await pool.query<ResultSetHeader>(
      'INSERT INTO users (username, email, password_hash, created_at, updated_at) VALUES ?',
      [rows],
    );
    // A multi-row INSERT gets consecutive ids starting at insertId (InnoDB, known row count).
    for (let i = 0; i < rows.length; i += 1) ids.push(result.insertId + i);
  }
  return ids;
}

function taskRow(
  rand: () => number,
  ownerId: number,
  projectId: number,
  userIds: number[],
  now: number,
): unknown[] {
  const chinese = rand() < 0.4;
  const title = chinese
    ? `${pick(rand, CHINESE_VERBS)}${pick(rand, CHINESE_NOUNS)}`
    : `${pick(rand, LATIN_VERBS)} ${pick(rand, LATIN_NOUNS)}`;
  const createdAt = new Date(now - Math.floor(rand() * 365 * DAY));
  const updatedAt = new Date(Math.min(now, createdAt.getTime() + Math.floor(rand() * 30 * DAY)));
  const r = rand();
  const status = r < 0.45 ? 1 : r < 0.7 ? 2 : 3;
  const p = rand();
  const priority = p < 0.3 ? 1 : p < 0.75 ? 2 : 3;
  const dueDate = rand() < 0.7 ? new Date(now + Math.floor((rand() - 0.4) * 180 * DAY)) : null;
  const assigneeId = rand() < 0.4 ? pick(rand, userIds) : null;
  const deletedAt = rand() < 0.02 ? updatedAt : null;
  return [
    ownerId,
    projectId,
    assigneeId,
    `${title} #${Math.floor(rand() * 100000)}`,
    pick(rand, DESCRIPTIONS),
    status,
    priority,
    dueDate,
    status === 3 ? updatedAt : null,
    createdAt,
    updatedAt,
    deletedAt,
  ];
}

/** The parts of `SHOW CREATE TABLE tasks` that the bulk load drops and puts back. */
interface DeferredDefinitions {
  /** `KEY \`name\` (...)` clauses of the non-unique secondary indexes, verbatim. */
  keys: Array<{ name: string; clause: string }>;
  /** `CONSTRAINT \`name\` FOREIGN KEY ...` clauses, verbatim. */
  foreignKeys: Array<{ name: string; clause: string }>;
  /** The whole statement, to check that the restored table is identical. */
  createTable: string;
}

/** SHOW CREATE TABLE without the AUTO_INCREMENT counter, which the load legitimately moves. */
async function showCreateTable(connection: PoolConnection): Promise<string> {
  const [rows] = await connection.query<RowDataPacket[]>('SHOW CREATE TABLE tasks');
  return String(rows[0]['Create Table']).replace(/ AUTO_INCREMENT=\d+/, '');
}

function parseDeferred(createTable: string): DeferredDefinitions {
  const keys: DeferredDefinitions['keys'] = [];
  const foreignKeys: DeferredDefinitions['foreignKeys'] = [];
  for (const line of createTable.split('\n')) {
    const clause = line.trim().replace(/,$/, '');
    const key = /^KEY `([^`]+)`/.exec(clause);
    if (key) keys.push({ name: key[1], clause });
    const fk = /^CONSTRAINT `([^`]+)` FOREIGN KEY/.exec(clause);
    if (fk) foreignKeys.push({ name: fk[1], clause });
  }
  return { keys, foreignKeys, createTable };
}

/** Re-creates what withDeferredIndexes dropped and checks the table is exactly as before. */
async function restoreDeferred(
  connection: PoolConnection,
  deferred: DeferredDefinitions,
): Promise<void> {
  const started = Date.now();
  // Keys first, so that the foreign keys find their supporting indexes instead of adding their
  // own. With foreign_key_checks off, adding a foreign key is a metadata change: the rows
  // reference only users this run inserted.
  await connection.query('SET SESSION foreign_key_checks = 0');
  if (deferred.keys.length > 0) {
    await connection.query(
      `ALTER TABLE tasks ${deferred.keys.map((k) => `ADD ${k.clause}`).join(', ')}`,
    );
  }
  if (deferred.foreignKeys.length > 0) {
    await connection.query(
      `ALTER TABLE tasks ${deferred.foreignKeys.map((fk) => `ADD ${fk.clause}`).join(', ')}`,
    );
  }
  await connection.query('SET SESSION foreign_key_checks = 1');
  const restored = await showCreateTable(connection);
  if (restored !== deferred.createTable) {
    throw new Error(
      `tasks was not restored exactly:\n--- before\n${deferred.createTable}\n--- after\n${restored}`,
    );
  }
  console.log(
    `  indexes and foreign keys re-created in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

/**
 * Drops the secondary indexes and foreign keys of an empty tasks table, runs `load`, and
 * re-creates them whether or not the load succeeded (sorted index builds). On a table that
 * already holds rows it just runs `load`.
 */
async function withDeferredIndexes(pool: Pool, load: () => Promise<void>): Promise<void> {
  const connection = await pool.getConnection();
  try {
    const [existing] = await connection.query<RowDataPacket[]>('SELECT 1 FROM tasks LIMIT 1');
    if (existing.length > 0) {
      console.log('  tasks is not empty: inserting with its indexes in place');
      await load();
      return;
    }
    const deferred = parseDeferred(await showCreateTable(connection));
    const drops = [
      ...deferred.foreignKeys.map((fk) => `DROP FOREIGN KEY \`${fk.name}\``),
      ...deferred.keys.map((key) => `DROP KEY \`${key.name}\``),
    ];
    if (drops.length > 0) await connection.query(`ALTER TABLE tasks ${drops.join(', ')}`);
    console.log(
      `  empty table: deferred ${deferred.keys.length} indexes and ${deferred.foreignKeys.length} foreign keys`,
    );
    const loaded = await load().then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
    await restoreDeferred(connection, deferred);
    if (loaded) throw loaded;
  } finally {
    connection.release();
  }
}

async function insertTasks(
  pool: Pool,
  people: SeededPeople,
  total: number,
  heavy: number,
  shared: number,
  seed: number,
  connections: number,
): Promise<void> {
  const { userIds, inboxIds } = people;
  const now = Date.now();
  let next = 0;
  let done = 0;
  const started = Date.now();
  const worker = async (workerId: number): Promise<void> => {
    const connection = await pool.getConnection();
    try {
      // The generated rows reference only users inserted above and carry no unique keys.
      await connection.query('SET SESSION foreign_key_checks = 0, unique_checks = 0');
      const rand = prng(seed + workerId);
      while (next < total) {
        const start = next;
        next = Math.min(total, next + BATCH);
        const rows = [];
        for (let i = start; i < next; i += 1) {
          if (i < heavy) {
            rows.push(taskRow(rand, userIds[0], inboxIds[0], userIds, now));
          } else if (people.shared && i < heavy + shared) {
            const creator = pick(rand, people.shared.memberIds);
            rows.push(taskRow(rand, creator, people.shared.projectId, userIds, now));
          } else {
            const owner = Math.floor(rand() * userIds.length);
            rows.push(taskRow(rand, userIds[owner], inboxIds[owner], userIds, now));
          }
        }
        await connection.beginTransaction();
        await connection.query(
          'INSERT INTO tasks (user_id, project_id, assignee_id, title, description, status, priority, due_date, completed_at, created_at, updated_at, deleted_at) VALUES ?',
          [rows],
        );
        await connection.commit();
        done += rows.length;
        if (done % 100_000 < BATCH || done === total) {
          const rate = Math.round(done / ((Date.now() - started) / 1000));
          console.log(`  ${done} / ${total} tasks (${rate} rows/s)`);
        }
      }
    } finally {
      connection.release();
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, i) => worker(i + 1)));
}

/** The range of the seeded projects' ids (inboxes, then the team project). */
function projectRange(people: SeededPeople): [number, number] {
  const last = people.shared?.projectId ?? people.inboxIds[people.inboxIds.length - 1];
  return [people.inboxIds[0], last];
}

/**
 * The seeded projects' counters (task_counts and task_hourly_counts), set-based from the rows
 * just loaded (which bypassed the service that keeps them): nothing else writes their tasks yet.
 */
async function countTasks(pool: Pool, people: SeededPeople): Promise<void> {
  const started = Date.now();
  const connection = await pool.getConnection();
  try {
    await connection.beginTransaction();
    for (const query of buildCountsRecount(...projectRange(people))) {
      await connection.query(query.sql, query.params);
    }
    await connection.commit();
  } finally {
    connection.release();
  }
  console.log(
    `  task_counts and task_hourly_counts filled in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

/**
 * The seeded projects' task_search rows, set-based from the rows just loaded (as `countTasks`).
 * Foreign-key checks are off for this session only: every row references a task just read from
 * the table, and checking each of ~1M rows would only re-read them.
 */
async function indexSearch(pool: Pool, people: SeededPeople): Promise<void> {
  const started = Date.now();
  const connection = await pool.getConnection();
  try {
    await connection.query('SET SESSION foreign_key_checks = 0');
    await connection.beginTransaction();
    for (const query of buildSearchRebuild(...projectRange(people))) {
      await connection.query(query.sql, query.params);
    }
    await connection.commit();
    await connection.query('SET SESSION foreign_key_checks = 1');
  } finally {
    connection.release();
  }
  console.log(`  task_search filled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      users: { type: 'string' },
      tasks: { type: 'string' },
      heavy: { type: 'string' },
      shared: { type: 'string' },
      members: { type: 'string' },
      password: { type: 'string' },
      seed: { type: 'string' },
      connections: { type: 'string' },
    },
  });
  const users = Math.max(1, intArg(args, 'users', 1000));
  const tasks = intArg(args, 'tasks', 1_000_000);
  const heavy = Math.min(tasks, intArg(args, 'heavy', Math.min(100_000, Math.floor(tasks / 10))));
  const shared = Math.min(
    tasks - heavy,
    intArg(args, 'shared', Math.min(100_000, Math.floor(tasks / 10))),
  );
  const members = Math.max(1, intArg(args, 'members', 50));
  const password = args.password ?? 'seed-password-123';
  const seed = intArg(args, 'seed', 42);
  const connections = Math.max(1, intArg(args, 'connections', 3));

  const config = await prepareDatabase();
  // One extra connection holds the schema changes while the workers insert.
  const pool = openPool(config, connections + 1);
  try {
    const started = Date.now();
    console.log(
      `Seeding ${config.db.name}: ${users} users, ${tasks} tasks (heavy user: ${heavy}, team project: ${shared})`,
    );
    const userIds = await insertUsers(pool, users, await bcrypt.hash(password, 10));
    console.log(`  users ${userIds[0]}..${userIds[userIds.length - 1]} (password "${password}")`);
    const inboxIds = await insertInboxes(pool, userIds);
    const memberIds = userIds.slice(1, 1 + members);
    const people: SeededPeople = {
      userIds,
      inboxIds,
      shared:
        memberIds.length > 0 && shared > 0
          ? { projectId: await insertSharedProject(pool, memberIds), memberIds }
          : null,
    };
    await withDeferredIndexes(pool, () =>
      insertTasks(pool, people, tasks, heavy, shared, seed, connections),
    );
    await countTasks(pool, people);
    await indexSearch(pool, people);
    await pool.query('ANALYZE TABLE tasks, task_search');
    console.log(
      `Done in ${((Date.now() - started) / 1000).toFixed(1)} s; heavy user id ${userIds[0]}` +
        (people.shared
          ? `; team project ${people.shared.projectId} (members ${memberIds[0]}..${memberIds[memberIds.length - 1]})`
          : ''),
    );
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
