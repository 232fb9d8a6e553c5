import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './helpers/app';
import { Session, signUp } from './helpers/factories';
import { runRandomTaskOps } from './helpers/random-task-ops';
import { createTask, NO_RATE_LIMITS, TASKS } from './helpers/tasks';

const STATUSES = ['pending', 'in_progress', 'completed'] as const;
const PRIORITIES = ['low', 'medium', 'high'] as const;
const SCOPES = ['all', 'owned', 'assigned'] as const;

/** Every filter combination X-Total-Count answers from task_counts (for the user `me`). */
function counterFilters(
  me: number,
): Array<{ scope: string; assignee?: number | 'none'; status?: string[]; priority?: string[] }> {
  const combos = [];
  for (const scope of SCOPES)
    for (const assignee of [undefined, 'none', me] as const)
      for (const status of [undefined, ['pending'], ['in_progress', 'completed']])
        for (const priority of [undefined, ['high'], ['low', 'medium'], ['low', 'medium', 'high']])
          combos.push({ scope, assignee, status, priority });
  return combos;
}

describe('Task counters (e2e)', () => {
  let t: TestApp;
  let ds: DataSource;

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    ds = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t.close();
  });

  /** The visible live tasks matching the filters, counted on the rows (the ground truth). */
  async function groundTruth(
    userId: number,
    f: ReturnType<typeof counterFilters>[number],
  ): Promise<number> {
    const conditions = ['t.deleted_at IS NULL'];
    const params: unknown[] = [];
    if (f.scope === 'owned') conditions.push('t.user_id = ?');
    else if (f.scope === 'assigned') conditions.push('t.assignee_id = ?');
    else conditions.push('(t.user_id = ? OR t.assignee_id = ?)');
    params.push(userId, ...(f.scope === 'all' ? [userId] : []));
    if (f.assignee === 'none') conditions.push('t.assignee_id IS NULL');
    else if (f.assignee !== undefined) {
      conditions.push('t.assignee_id = ?');
      params.push(f.assignee);
    }
    if (f.status) {
      conditions.push(`t.status IN (${f.status.map(() => '?').join(', ')})`);
      params.push(...f.status.map((s) => STATUSES.indexOf(s as never) + 1));
    }
    if (f.priority) {
      conditions.push(`t.priority IN (${f.priority.map(() => '?').join(', ')})`);
      params.push(...f.priority.map((p) => PRIORITIES.indexOf(p as never) + 1));
    }
    const rows = await ds.query<Array<{ n: string | number }>>(
      `SELECT COUNT(*) AS n FROM tasks t WHERE ${conditions.join(' AND ')}`,
      params,
    );
    return Number(rows[0].n);
  }

  /** X-Total-Count of every counter-answerable filter equals the ground truth, for each user. */
  async function expectExactTotals(users: Session[]): Promise<void> {
    for (const user of users) {
      const mismatches: unknown[] = [];
      for (const f of counterFilters(user.id)) {
        const query: Record<string, string> = { scope: f.scope, page_size: '1' };
        if (f.assignee !== undefined) query.assignee_id = String(f.assignee);
        if (f.status) query.status = f.status.join(',');
        if (f.priority) query.priority = f.priority.join(',');
        const res = await t.http.get(TASKS).set(user.auth).query(query).expect(200);
        const total = Number(res.headers['x-total-count']);
        const expected = await groundTruth(user.id, f);
        if (total !== expected) mismatches.push({ user: user.id, ...query, total, expected });
      }
      expect(mismatches).toEqual([]);
    }
  }

  /** Every cell of the users equals a recount from the rows (zero cells included). */
  async function expectCellsExact(users: Session[]): Promise<void> {
    const ids = users.map((u) => u.id);
    const drift = await ds.query<unknown[]>(
      `SELECT c.user_id, c.relation, c.status, c.priority, c.n, COALESCE(v.n, 0) AS expected
       FROM task_counts c
       LEFT JOIN (
         SELECT x.user_id, x.relation, x.status, x.priority, COUNT(*) AS n FROM (
           SELECT t.user_id,
             CASE WHEN t.assignee_id IS NULL THEN 1 WHEN t.assignee_id = t.user_id THEN 3 ELSE 2 END
               AS relation, t.status, t.priority
           FROM tasks t WHERE t.deleted_at IS NULL
           UNION ALL
           SELECT t.assignee_id, 4, t.status, t.priority
           FROM tasks t WHERE t.deleted_at IS NULL AND t.assignee_id <> t.user_id
         ) x GROUP BY x.user_id, x.relation, x.status, x.priority
       ) v ON v.user_id = c.user_id AND v.relation = c.relation AND v.status = c.status
         AND v.priority = c.priority
       WHERE c.user_id IN (?) AND c.n <> COALESCE(v.n, 0)`,
      [ids],
    );
    expect(drift).toEqual([]);
    const cells = await ds.query<Array<{ n: string | number }>>(
      'SELECT COUNT(*) AS n FROM task_counts WHERE user_id IN (?)',
      [ids],
    );
    expect(Number(cells[0].n)).toBe(36 * ids.length);
  }

  it('should create every cell of a new user at zero', async () => {
    const user = await signUp(t.http);
    await expectCellsExact([user]);
    const res = await t.http.get(TASKS).set(user.auth).expect(200);
    expect(res.headers['x-total-count']).toBe('0');
  });

  it('should insert the missing cells of a user who has none (created by other means)', async () => {
    const [owner, assignee] = await Promise.all([signUp(t.http), signUp(t.http)]);
    await ds.query('DELETE FROM task_counts WHERE user_id IN (?)', [[owner.id, assignee.id]]);
    const task = await createTask(t.http, owner, { assignee_id: assignee.id, priority: 'high' });
    await t.http
      .patch(`${TASKS}/${task.id}`)
      .set(assignee.auth)
      .send({ status: 'completed' })
      .expect(200);
    const cells = await ds.query<Array<Record<string, string | number>>>(
      'SELECT user_id, relation, status, priority, n FROM task_counts WHERE user_id IN (?) ' +
        'ORDER BY user_id, relation, status, priority',
      [[owner.id, assignee.id]],
    );
    expect(cells.map((c) => Object.values(c).map(Number))).toEqual([
      [owner.id, 2, 1, 3, 0],
      [owner.id, 2, 3, 3, 1],
      [assignee.id, 4, 1, 3, 0],
      [assignee.id, 4, 3, 3, 1],
    ]);
    for (const user of [owner, assignee]) {
      const res = await t.http.get(TASKS).set(user.auth).expect(200);
      expect(res.headers['x-total-count']).toBe('1');
    }
  });

  it('should keep X-Total-Count exact over a random sequence of creates, updates and deletes', async () => {
    const users = await Promise.all([1, 2, 3, 4].map(() => signUp(t.http)));
    await runRandomTaskOps(t.http, {
      users,
      seed: 20261124,
      steps: 300,
      minLive: 5,
      assigneePatchOneIn: 3,
      // The title too, which moves no counter.
      patchBodies: (owner, step, { pick, someone }) => [
        { status: pick(STATUSES) },
        { priority: pick(PRIORITIES) },
        { assignee_id: someone(owner) },
        { title: `renamed ${step}` },
        { status: pick(STATUSES), priority: pick(PRIORITIES), assignee_id: someone(owner) },
      ],
      onStep: async (step) => {
        await expectCellsExact(users);
        if (step % 100 === 0) await expectExactTotals(users);
      },
    });
  }, 180_000);

  it('should keep the counters exact under concurrent creates and updates of one user', async () => {
    const [owner, helper] = await Promise.all([signUp(t.http), signUp(t.http)]);
    // Tasks both ways between the two users, so that writes lock cells of both at once.
    const own = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        createTask(t.http, owner, { assignee_id: i % 2 === 0 ? helper.id : null }),
      ),
    );
    const theirs = await Promise.all(
      Array.from({ length: 10 }, () => createTask(t.http, helper, { assignee_id: owner.id })),
    );
    const responses = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) =>
        t.http
          .post(TASKS)
          .set(owner.auth)
          .send({
            title: `burst ${i}`,
            status: STATUSES[i % 3],
            priority: PRIORITIES[i % 3],
            assignee_id: [null, owner.id, helper.id][i % 3],
          }),
      ),
      ...own.map((task, i) =>
        t.http
          .patch(`${TASKS}/${task.id}`)
          .set(owner.auth)
          .send({
            status: STATUSES[(i + 1) % 3],
            priority: PRIORITIES[i % 3],
            assignee_id: i % 3 === 0 ? owner.id : i % 3 === 1 ? helper.id : null,
          }),
      ),
      ...theirs.map((task, i) =>
        t.http
          .patch(`${TASKS}/${task.id}`)
          .set(i % 2 === 0 ? owner.auth : helper.auth)
          .send({ status: STATUSES[(i + 2) % 3] }),
      ),
      ...own.slice(0, 3).map((task) => t.http.delete(`${TASKS}/${task.id}`).set(owner.auth)),
    ]);
    const statuses = responses.map((res) => res.status);
    // A delete racing a patch of the same task may lose (404/412); nothing may fail.
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(statuses.slice(30, 40).every((s) => s === 200)).toBe(true);
    await expectCellsExact([owner, helper]);
    await expectExactTotals([owner, helper]);
  }, 60_000);
});
