import { randomBytes } from 'node:crypto';
import * as bcrypt from 'bcrypt';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../src/database/migrations';
import { CreateNotifications1764300000200 } from '../src/database/migrations/1764300000200-CreateNotifications';
import { CreateProjects1764600000000 } from '../src/database/migrations/1764600000000-CreateProjects';
import { buildCountsRecount } from '../src/tasks/read-models/counts.sql';
import { buildSearchRebuild } from '../src/tasks/read-models/search.sql';
import { startTestApp } from './helpers/app';
import { TASKS, TaskJson } from './helpers/tasks';
import { baseConnection } from './setup/test-env';

/**
 * A database of the previous schema (before CreateProjects), filled by SQL as the old service
 * left it, migrated to projects: every task stays visible to exactly the users who saw it (its
 * creator and its assignee), in SQL and through the API; the read models are exact; down()
 * restores the old schema and rows.
 */
const DB_NAME = `${process.env.DB_NAME}_mig`;
const PASSWORD = 'migrated-password-1';
const USERS = 7;
const TASK_ROWS = 60;

/** Migrations of the previous schema, then those of this issue. */
const lastOld = MIGRATIONS.indexOf(CreateProjects1764600000000) - 1;
const beforeReadModels = MIGRATIONS.indexOf(CreateNotifications1764300000200) + 1;

function dataSource(migrations: typeof MIGRATIONS): DataSource {
  return new DataSource({
    type: 'mysql',
    ...baseConnection(),
    username: baseConnection().user,
    database: DB_NAME,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    migrations,
    migrationsTableName: 'migrations',
  });
}

/** A small deterministic generator, so that a failure can be reproduced. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

interface TaskRow {
  id: number;
  user_id: number;
  assignee_id: number | null;
  deleted: boolean;
  title: string;
}

type Visibility = Map<number, number[]>;

/** Who saw which task in the previous model: its creator and its assignee, while it is live. */
function oldVisibility(userIds: number[], tasks: TaskRow[]): Visibility {
  return new Map(
    userIds.map((u) => [
      u,
      tasks
        .filter((t) => !t.deleted && (t.user_id === u || t.assignee_id === u))
        .map((t) => t.id)
        .sort((a, b) => a - b),
    ]),
  );
}

describe('Migrating the previous schema to projects (e2e)', () => {
  let ds: DataSource;
  let userIds: number[];
  let emails: string[];
  let tasks: TaskRow[];
  let oldVisible: Visibility;

  async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return ds.query<T[]>(sql, params);
  }

  /** The schema (columns, indexes, foreign keys) and the rows that down() must restore. */
  async function snapshot(): Promise<Record<string, unknown>> {
    const schema = DB_NAME;
    return {
      columns: await rows(
        `SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT
           FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, COLUMN_NAME`,
        [schema],
      ),
      indexes: await rows(
        `SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE
           FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?
          ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
        [schema],
      ),
      foreignKeys: await rows(
        `SELECT TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_NAME, DELETE_RULE
           FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?
          ORDER BY TABLE_NAME, CONSTRAINT_NAME`,
        [schema],
      ),
      tasks: await rows('SELECT * FROM tasks ORDER BY id'),
      taskCounts: await rows(
        'SELECT * FROM task_counts ORDER BY user_id, relation, status, priority',
      ),
      taskSearch: await rows('SELECT * FROM task_search ORDER BY user_id, created_at, task_id'),
      notifications: await rows('SELECT * FROM notifications ORDER BY id'),
    };
  }

  /** Runs MIGRATIONS[0..count) that have not run yet. */
  async function migrateTo(count: number): Promise<void> {
    const runner = dataSource(MIGRATIONS.slice(0, count));
    await runner.initialize();
    try {
      await runner.runMigrations({ transaction: 'each' });
    } finally {
      await runner.destroy();
    }
  }

  beforeAll(async () => {
    const connection = await createConnection(baseConnection());
    try {
      await connection.query(`DROP DATABASE IF EXISTS \`${DB_NAME}\``);
      await connection.query(
        `CREATE DATABASE \`${DB_NAME}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      );
    } finally {
      await connection.end();
    }
    // The data is written before the read-model migrations, whose backfills then build
    // task_counts and task_search exactly as the old service kept them.
    await migrateTo(beforeReadModels);
    ds = dataSource([]);
    await ds.initialize();

    const hash = bcrypt.hashSync(PASSWORD, 4);
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    const tag = randomBytes(3).toString('hex');
    userIds = [];
    emails = [];
    for (let i = 0; i < USERS; i += 1) {
      emails.push(`migrated.${tag}.${i}@example.com`);
      const created = new Date(base + i * 1000);
      const result = await ds.query<{ insertId: number }>(
        `INSERT INTO users (username, email, password_hash, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?)`,
        [`mig_${tag}_${i}`, emails[i], hash, created, created],
      );
      userIds.push(Number(result.insertId));
    }
    // The last two users: one only ever assigned tasks, one with none at all.
    const creators = userIds.slice(0, USERS - 2);
    const random = rng(20260101);
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
    tasks = [];
    for (let i = 0; i < TASK_ROWS; i += 1) {
      const user_id = pick(creators);
      const roll = random();
      const assignee_id =
        roll < 0.35
          ? null
          : roll < 0.5
            ? user_id
            : pick(userIds.slice(0, USERS - 1).filter((u) => u !== user_id));
      const deleted = random() < 0.15;
      const status = 1 + Math.floor(random() * 3);
      const created = new Date(base + 60_000 + i * 1000);
      const title = `${random() < 0.5 ? 'alpha' : 'beta'} 任务 ${i}`;
      const result = await ds.query<{ insertId: number }>(
        `INSERT INTO tasks (user_id, assignee_id, title, description, status, priority, due_date,
           completed_at, created_at, updated_at, deleted_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
        [
          user_id,
          assignee_id,
          title,
          `Description ${i}`,
          status,
          1 + Math.floor(random() * 3),
          random() < 0.3 ? new Date(base - 86_400_000) : null,
          status === 3 ? created : null,
          created,
          created,
          deleted ? created : null,
        ],
      );
      tasks.push({ id: Number(result.insertId), user_id, assignee_id, deleted, title });
    }
    const notified = tasks.find((t) => t.assignee_id !== null && t.assignee_id !== t.user_id);
    await ds.query(
      `INSERT INTO notifications (user_id, type, task_id, event_id, message, created_at)
       VALUES (?, 'task.assigned', ?, 1, 'You were assigned a task', ?)`,
      [notified?.assignee_id, notified?.id, new Date(base)],
    );
    await migrateTo(lastOld + 1);
    oldVisible = oldVisibility(userIds, tasks);
  });

  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    const connection = await createConnection(baseConnection());
    try {
      await connection.query(`DROP DATABASE IF EXISTS \`${DB_NAME}\``);
    } finally {
      await connection.end();
    }
  });

  /** Every check of the migrated data, in SQL. */
  async function expectMigrated(): Promise<void> {
    const inboxes = await rows<{ id: number; owner_id: number; inbox_of: number }>(
      `SELECT id, owner_id, inbox_of, name, member_count, archived_at, deleted_at FROM projects
        ORDER BY inbox_of`,
    );
    expect(inboxes).toEqual(
      userIds.map((u) => ({
        id: expect.any(Number),
        owner_id: u,
        inbox_of: u,
        name: 'Inbox',
        member_count: 1,
        archived_at: null,
        deleted_at: null,
      })),
    );
    const members = await rows<{ user_id: number; project_id: number; role: number }>(
      'SELECT user_id, project_id, role FROM project_members ORDER BY user_id',
    );
    expect(members).toEqual(
      inboxes.map((p) => ({ user_id: p.owner_id, project_id: p.id, role: 4 })),
    );

    const inboxOf = new Map(inboxes.map((p) => [p.owner_id, p.id]));
    const placed = await rows<{ id: number; project_id: number }>(
      'SELECT id, project_id FROM tasks ORDER BY id',
    );
    expect(placed).toEqual(tasks.map((t) => ({ id: t.id, project_id: inboxOf.get(t.user_id) })));

    // The new rule, in SQL: a member of the task's live project, or its assignee.
    for (const u of userIds) {
      const visible = await rows<{ id: number }>(
        `SELECT t.id FROM tasks t JOIN projects p ON p.id = t.project_id
          WHERE t.deleted_at IS NULL AND p.deleted_at IS NULL
            AND (t.assignee_id = ? OR EXISTS (
              SELECT 1 FROM project_members m WHERE m.project_id = t.project_id AND m.user_id = ?))
          ORDER BY t.id`,
        [u, u],
      );
      expect(visible.map((r) => r.id)).toEqual(oldVisible.get(u));
    }

    // The read models equal a rebuild from the rows by the service's own SQL.
    const counts = () =>
      rows(
        'SELECT * FROM task_counts WHERE n <> 0 ORDER BY kind, subject_id, project_id, unassigned, status, priority',
      );
    const search = () => rows('SELECT * FROM task_search ORDER BY task_id');
    // The hourly counters as CreateTaskHourlyCounts backfilled them (buildCountsRecount redoes them).
    const hourly = () =>
      rows('SELECT * FROM task_hourly_counts WHERE n <> 0 ORDER BY project_id, kind, hour');
    const [migratedCounts, migratedSearch, migratedHourly] = [
      await counts(),
      await search(),
      await hourly(),
    ];
    expect(migratedCounts.length).toBeGreaterThan(0);
    expect(migratedHourly.length).toBeGreaterThan(0);
    const live = tasks.filter((t) => !t.deleted).map((t) => t.id);
    expect(migratedSearch.map((r) => (r as { task_id: number }).task_id)).toEqual(live);
    const maxProject = Math.max(...inboxes.map((p) => p.id));
    await ds.transaction(async (manager) => {
      for (const query of [
        ...buildCountsRecount(1, maxProject),
        ...buildSearchRebuild(1, maxProject),
      ]) {
        await manager.query(query.sql, query.params);
      }
    });
    expect(await counts()).toEqual(migratedCounts);
    expect(await hourly()).toEqual(migratedHourly);
    expect(await search()).toEqual(migratedSearch);

    const notifications = await rows<{ type: string }>('SELECT type FROM notifications');
    expect(notifications.map((n) => n.type)).toEqual(['assigned']);
  }

  it('should give every user one inbox, keep every task visible to the same users, and exact read models', async () => {
    const before = await snapshot();
    await migrateTo(MIGRATIONS.length);
    await expectMigrated();

    // down(): back to the previous schema and rows, then up again to the same result.
    const undo = dataSource(MIGRATIONS);
    await undo.initialize();
    try {
      for (let applied = MIGRATIONS.length; applied > lastOld + 1; applied -= 1) {
        await undo.undoLastMigration({ transaction: 'each' });
      }
    } finally {
      await undo.destroy();
    }
    const tables = await rows<{ TABLE_NAME: string }>(
      'SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [DB_NAME],
    );
    const names = tables.map((t) => t.TABLE_NAME);
    expect(names).not.toContain('projects');
    expect(names).not.toContain('project_members');
    expect(await snapshot()).toEqual(before);

    await migrateTo(MIGRATIONS.length);
    await expectMigrated();
  });

  it('should answer the API on the migrated database with exactly the old visibility', async () => {
    await migrateTo(MIGRATIONS.length);
    const app = await startTestApp({
      DB_NAME,
      REDIS_KEY_PREFIX: `${process.env.DB_NAME}:mig-${randomBytes(3).toString('hex')}:`,
    });
    try {
      for (const [i, u] of userIds.entries()) {
        const login = await app.http
          .post('/api/v1/auth/login')
          .send({ email: emails[i], password: PASSWORD })
          .expect(200);
        const auth = { Authorization: `Bearer ${login.body.token as string}` };
        const expected = oldVisible.get(u) ?? [];

        const list = await app.http.get(TASKS).query({ page_size: 100 }).set(auth).expect(200);
        expect((list.body as TaskJson[]).map((t) => t.id).sort((a, b) => a - b)).toEqual(expected);
        expect(list.headers['x-total-count']).toBe(String(expected.length));
        const stats = await app.http.get(`${TASKS}/stats`).set(auth).expect(200);
        expect(stats.body.total).toBe(expected.length);

        const owned = tasks.filter((t) => !t.deleted && t.user_id === u).map((t) => t.id);
        const ownedList = await app.http
          .get(TASKS)
          .query({ page_size: 100, scope: 'owned' })
          .set(auth)
          .expect(200);
        expect((ownedList.body as TaskJson[]).map((t) => t.id).sort((a, b) => a - b)).toEqual(
          owned,
        );
        const assigned = tasks.filter((t) => !t.deleted && t.assignee_id === u).map((t) => t.id);
        const assignedList = await app.http
          .get(TASKS)
          .query({ page_size: 100, scope: 'assigned' })
          .set(auth)
          .expect(200);
        expect(assignedList.headers['x-total-count']).toBe(String(assigned.length));
        const alpha = tasks
          .filter((t) => expected.includes(t.id) && t.title.startsWith('alpha'))
          .map((t) => t.id);
        const search = await app.http
          .get(TASKS)
          .query({ page_size: 100, q: 'ALPHA 任务' })
          .set(auth);
        expect((search.body as TaskJson[]).map((t) => t.id).sort((a, b) => a - b)).toEqual(alpha);
        expect(search.headers['x-total-count']).toBe(String(alpha.length));

        for (const task of tasks) {
          const res = await app.http.get(`${TASKS}/${task.id}`).set(auth);
          expect([task.id, res.status]).toEqual([task.id, expected.includes(task.id) ? 200 : 404]);
        }
      }
    } finally {
      await app.close();
    }
  });
});
