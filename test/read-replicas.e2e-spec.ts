import { Session, signUp } from './helpers/factories';
import { startTestApp, TestApp } from './helpers/app';
import { exportJson } from './helpers/exports';
import { PrivateMariaDb } from './helpers/mariadb';
import { createTask, TASKS, TaskJson } from './helpers/tasks';
import { waitFor } from './helpers/wait';

const MAX_LAG_MS = 600;
const QUICK_MS = 2000;

jest.setTimeout(120_000);

/**
 * The service on a real primary and GTID replica (two private mariadbd started by the test,
 * binary logging on the primary): heavy reads go to the replica, a user reads its own writes at
 * once, a lagging or dead replica is skipped.
 */
describe('MySQL read replicas (e2e, DB_REPLICA_HOSTS, a private MariaDB primary and replica)', () => {
  let primary: PrivateMariaDb | undefined;
  let replica: PrivateMariaDb | undefined;
  let app: TestApp | undefined;

  beforeAll(async () => {
    primary = await PrivateMariaDb.create(['--log-bin=mysql-bin', '--server-id=1']);
    replica = await PrivateMariaDb.create(['--server-id=2']);
    await replica.sql(
      `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary.port}, ` +
        "MASTER_USER='root', MASTER_PASSWORD='', MASTER_USE_GTID=slave_pos",
      'START SLAVE',
    );
    app = await startTestApp({
      DB_PORT: String(primary.port),
      DB_REPLICA_HOSTS: `127.0.0.1:${replica.port}`,
      DB_REPLICA_MAX_LAG_MS: String(MAX_LAG_MS),
      // Its own queues: the events of this private database must not reach other apps' workers.
      REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}replicas:`,
    });
  });

  afterAll(async () => {
    await app?.close();
    await replica?.destroy();
    await primary?.destroy();
  });

  async function routedReads(): Promise<{ replica: number; primary: number }> {
    const text = (await app!.http.get('/metrics').expect(200)).text;
    const count = (target: string): number =>
      Number(
        new RegExp(`db_routed_reads_total\\{target="${target}"\\} (\\d+)`).exec(text)?.[1] ?? 0,
      );
    return { replica: count('replica'), primary: count('primary') };
  }

  const list = (who: Session, query: Record<string, string> = {}) =>
    app!.http.get(TASKS).query(query).set(who.auth).expect(200);

  it('should have migrated the primary only, the replica getting the schema by replication', async () => {
    const name = process.env.DB_NAME!;
    const count = `SELECT COUNT(*) AS n FROM \`${name}\`.migrations`;
    const [[onPrimary]] = (await primary!.sql(count)) as Array<Array<{ n: number }>>;
    await waitFor(
      async () => {
        const [[onReplica]] = (await replica!.sql(count)) as Array<Array<{ n: number }>>;
        return Number(onReplica.n) === Number(onPrimary.n);
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the schema on the replica' },
    );
    // The replica applies what the primary logged; it logs nothing of its own (no app writes).
    const [[status]] = (await replica!.sql('SELECT @@gtid_binlog_pos AS pos')) as Array<
      Array<{ pos: string }>
    >;
    expect(status.pos).toBe('');
  });

  it('should send a reader to the replica once it is in sync', async () => {
    const reader = await signUp(app!.http);
    await createTask(app!.http, reader, { title: 'seen from the replica' });
    const before = await routedReads();
    await waitFor(
      async () => {
        const res = await list(reader);
        expect((res.body as TaskJson[]).map((t) => t.title)).toEqual(['seen from the replica']);
        return (await routedReads()).replica > before.replica;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'a read served by the replica' },
    );
  });

  it('should let a user read its own writes at once in every routed read', async () => {
    const user = await signUp(app!.http);
    for (let i = 0; i < 3; i += 1) {
      const task = await createTask(app!.http, user, { title: `own write ${i}`, priority: 'high' });
      const listed = await list(user);
      expect((listed.body as TaskJson[]).map((t) => t.id)).toContain(task.id);
      expect(listed.headers['x-total-count']).toBe(String(i + 1));
      const found = await list(user, { q: `write ${i}` });
      expect((found.body as TaskJson[]).map((t) => t.id)).toEqual([task.id]);
      const stats = await app!.http.get(`${TASKS}/stats`).set(user.auth).expect(200);
      expect(stats.body.total).toBe(i + 1);
      const report = await app!.http.get('/api/v1/reports/workload').set(user.auth).expect(200);
      expect(report.body).toEqual([expect.objectContaining({ assignee: null, pending: i + 1 })]);
    }
    const patched = await app!.http
      .patch(`${TASKS}/${(await list(user)).body[0].id}`)
      .set(user.auth)
      .send({ status: 'completed' })
      .expect(200);
    const completed = await list(user, { status: 'completed' });
    expect((completed.body as TaskJson[]).map((t) => t.id)).toEqual([patched.body.id]);
    const exported = await exportJson(app!.http, user);
    expect(exported).toHaveLength(3);
  });

  it('should skip a replica that lags past DB_REPLICA_MAX_LAG_MS, and use it again once caught up', async () => {
    const [writer, assignee] = [await signUp(app!.http), await signUp(app!.http)];
    // Let the assignee's own sign-up age out of read-your-writes: it reads like anyone else.
    await replica!.sql('STOP SLAVE SQL_THREAD');
    try {
      const task = await createTask(app!.http, writer, {
        title: 'written while the replica lags',
        assignee_id: assignee.id,
      });
      // The replica never gets the task; past the lag limit the assignee reads the primary.
      const seen = await waitFor(
        async () => {
          const res = await list(assignee, { scope: 'assigned' });
          return res.body.length > 0 ? (res.body as TaskJson[]) : undefined;
        },
        { timeoutMs: MAX_LAG_MS * 5, intervalMs: 50, what: 'the assignee to see the task' },
      );
      expect(seen.map((t) => t.id)).toEqual([task.id]);
      // And the replica is reported behind by more than the limit (it falls further behind).
      await waitFor(
        async () => {
          const metrics = (await app!.http.get('/metrics').expect(200)).text;
          const lag = /db_replica_lag_seconds\{replica="[^"]+"\} (-?[\d.e-]+)/.exec(metrics)?.[1];
          return Number(lag) > MAX_LAG_MS / 1000;
        },
        { timeoutMs: 5000, intervalMs: 100, what: 'the lag gauge to pass the limit' },
      );
    } finally {
      await replica!.sql('START SLAVE SQL_THREAD');
    }
    const before = await routedReads();
    await waitFor(
      async () => {
        await list(assignee, { scope: 'assigned' });
        return (await routedReads()).replica > before.replica;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'reads to return to the caught-up replica' },
    );
  });

  it('should answer from the primary, quickly, when the replica dies', async () => {
    const user = await signUp(app!.http);
    const task = await createTask(app!.http, user, { title: 'after the replica died' });
    await replica!.kill();
    for (let i = 0; i < 5; i += 1) {
      const started = Date.now();
      const res = await list(user);
      expect(Date.now() - started).toBeLessThan(QUICK_MS);
      expect((res.body as TaskJson[]).map((t) => t.id)).toEqual([task.id]);
    }
    await app!.http.get('/health/ready').expect(200);
  });
});
