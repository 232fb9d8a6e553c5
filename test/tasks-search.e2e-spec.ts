import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './helpers/app';
import { Session, signUp } from './helpers/factories';
import { runRandomTaskOps } from './helpers/random-task-ops';
import { createTask, NO_RATE_LIMITS, TaskJson, TASKS } from './helpers/tasks';

const STATUSES = ['pending', 'in_progress', 'completed'] as const;
const PRIORITIES = ['low', 'medium', 'high'] as const;
const SCOPES = ['all', 'owned', 'assigned'] as const;

/** Texts mixing case, Chinese, LIKE wildcards and the escape character. */
const TITLES = [
  'Write REPORT',
  'report draft',
  '完成项目文档',
  '项目 Plan',
  '100% done',
  'file_name cleanup',
  'filename cleanup',
  'Über release',
  'a!b check',
  'Mixed Case RePoRt 项目',
];
const DESCRIPTIONS = ['', 'see the Report', '项目文档 v2', '50%_off', 'UBER notes', 'x'];

/** Terms searched: Latin in any case, Chinese, several terms, wildcards taken literally. */
const QUERIES = [
  'report',
  'REPORT',
  '项目',
  '项目 文档',
  'report 项目',
  '%',
  '100%',
  '_',
  'file_name',
  'ÜBER',
  'a!b',
  'nothing-matches-this',
];

interface Filters {
  q: string;
  scope: (typeof SCOPES)[number];
  assignee?: number | 'none';
  status?: (typeof STATUSES)[number];
  sort?: 'created_at' | 'priority';
  order?: 'asc' | 'desc';
}

describe('Task search (e2e)', () => {
  let t: TestApp;
  let ds: DataSource;

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    ds = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t.close();
  });

  /** The documented semantics, in JS: every term occurs, case-insensitively, in title or description. */
  function matches(task: TaskJson, terms: string[]): boolean {
    const title = task.title.toLowerCase();
    const description = task.description.toLowerCase();
    return terms.every((term) => {
      const needle = term.toLowerCase();
      return title.includes(needle) || description.includes(needle);
    });
  }

  /** The ids the listing must answer for `user`, in order (the ground truth). */
  function expectedIds(live: Iterable<TaskJson>, user: number, f: Filters): number[] {
    const terms = f.q.split(/\s+/).filter((term) => term.length > 0);
    const rows = [...live].filter((task) => {
      const inScope =
        f.scope === 'owned'
          ? task.user_id === user
          : f.scope === 'assigned'
            ? task.assignee_id === user
            : task.user_id === user || task.assignee_id === user;
      const assigneeOk =
        f.assignee === undefined ||
        (f.assignee === 'none' ? task.assignee_id === null : task.assignee_id === f.assignee);
      return (
        inScope &&
        assigneeOk &&
        (f.status === undefined || task.status === f.status) &&
        matches(task, terms)
      );
    });
    const dir = f.order === 'asc' ? 1 : -1;
    const key = (task: TaskJson): number | string =>
      f.sort === 'priority' ? PRIORITIES.indexOf(task.priority) : task.created_at;
    rows.sort((a, b) => {
      const [ka, kb] = [key(a), key(b)];
      return (ka < kb ? -dir : ka > kb ? dir : 0) || (a.id - b.id) * dir;
    });
    return rows.map((task) => task.id);
  }

  /** X-Total-Count and two pages of every query × filter equal the ground truth. */
  async function expectSearchExact(
    users: Session[],
    live: ReadonlyMap<number, TaskJson>,
  ): Promise<void> {
    const mismatches: unknown[] = [];
    for (const user of users) {
      const other = users.find((u) => u.id !== user.id)!.id;
      const variants: Array<Omit<Filters, 'q' | 'scope'>> = [
        {},
        { order: 'asc' },
        { assignee: 'none' },
        { assignee: user.id },
        { assignee: other },
        { status: 'pending' },
        { sort: 'priority' },
      ];
      for (const q of QUERIES)
        for (const scope of SCOPES)
          for (const variant of variants) {
            const f: Filters = { q, scope, ...variant };
            const expected = expectedIds(live.values(), user.id, f);
            for (const page of [1, 2]) {
              const query: Record<string, string> = { q, scope, page_size: '3', page: `${page}` };
              if (f.assignee !== undefined) query.assignee_id = String(f.assignee);
              if (f.status) query.status = f.status;
              if (f.sort) query.sort = f.sort;
              if (f.order) query.order = f.order;
              const res = await t.http.get(TASKS).set(user.auth).query(query).expect(200);
              const total = Number(res.headers['x-total-count']);
              const ids = (res.body as TaskJson[]).map((task) => task.id);
              const want = expected.slice((page - 1) * 3, page * 3);
              if (total !== expected.length || JSON.stringify(ids) !== JSON.stringify(want)) {
                mismatches.push({ user: user.id, ...query, total, ids, expected: want });
              }
            }
          }
    }
    expect(mismatches).toEqual([]);
  }

  /** task_search holds exactly one row per (live task, user who sees it), with today's text. */
  async function expectRowsExact(users: Session[]): Promise<void> {
    const ids = users.map((u) => u.id);
    const expected = `
      SELECT t.user_id, t.created_at, t.id AS task_id,
        CASE WHEN t.assignee_id IS NULL THEN 1 WHEN t.assignee_id = t.user_id THEN 3 ELSE 2 END
          AS relation,
        CAST(LOWER(CONCAT(t.title, '\\n', t.description)) AS BINARY) AS doc
      FROM tasks t WHERE t.deleted_at IS NULL AND t.user_id IN (?)
      UNION ALL
      SELECT t.assignee_id, t.created_at, t.id, 4,
        CAST(LOWER(CONCAT(t.title, '\\n', t.description)) AS BINARY)
      FROM tasks t WHERE t.deleted_at IS NULL AND t.assignee_id IN (?) AND t.assignee_id <> t.user_id`;
    const actual =
      'SELECT user_id, created_at, task_id, relation, doc FROM task_search WHERE user_id IN (?)';
    // Both directions of the difference, on every column.
    const drift = await ds.query<unknown[]>(
      `SELECT 'missing' AS side, e.* FROM (${expected}) e WHERE NOT EXISTS (
         SELECT 1 FROM (${actual}) a WHERE a.user_id = e.user_id AND a.created_at = e.created_at
           AND a.task_id = e.task_id AND a.relation = e.relation AND a.doc = e.doc)
       UNION ALL
       SELECT 'extra', a.* FROM (${actual}) a WHERE NOT EXISTS (
         SELECT 1 FROM (${expected}) e WHERE a.user_id = e.user_id AND a.created_at = e.created_at
           AND a.task_id = e.task_id AND a.relation = e.relation AND a.doc = e.doc)`,
      [ids, ids, ids, ids, ids, ids],
    );
    expect(drift).toEqual([]);
  }

  it('should store lower-cased text and find it whatever the case of the term', async () => {
    const user = await signUp(t.http);
    const task = await createTask(t.http, user, {
      title: 'Quarterly REPORT Über',
      description: '完成项目文档',
    });
    const [row] = await ds.query<Array<{ doc: Buffer; relation: number }>>(
      'SELECT doc, relation FROM task_search WHERE user_id = ? AND task_id = ?',
      [user.id, task.id],
    );
    expect(row.doc.toString('utf8')).toBe('quarterly report über\n完成项目文档');
    expect(Number(row.relation)).toBe(1);
    for (const q of ['report', 'REPORT', 'über', 'ÜBER', '项目', 'report 项目']) {
      const res = await t.http.get(TASKS).set(user.auth).query({ q }).expect(200);
      expect([q, (res.body as TaskJson[]).map((x) => x.id)]).toEqual([q, [task.id]]);
      expect(res.headers['x-total-count']).toBe('1');
    }
    // Case is folded by LOWER, accents are not: `uber` is another word than `über`.
    const uber = await t.http.get(TASKS).set(user.auth).query({ q: 'uber' }).expect(200);
    expect(uber.headers['x-total-count']).toBe('0');
  });

  it('should keep task_search and every search exact over random creates, updates and deletes', async () => {
    const users = await Promise.all([1, 2, 3, 4].map(() => signUp(t.http)));
    await runRandomTaskOps(t.http, {
      users,
      seed: 20261125,
      steps: 150,
      minLive: 8,
      assigneePatchOneIn: 4,
      createFields: ({ pick }) => ({ title: pick(TITLES), description: pick(DESCRIPTIONS) }),
      patchBodies: (owner, _step, { pick, someone }) => [
        { title: pick(TITLES) },
        { description: pick(DESCRIPTIONS) },
        { assignee_id: someone(owner) },
        { status: pick(STATUSES), priority: pick(PRIORITIES) },
        { title: pick(TITLES), assignee_id: someone(owner) },
        { description: pick(DESCRIPTIONS), assignee_id: someone(owner), status: 'pending' },
      ],
      onStep: async (step, live) => {
        await expectRowsExact(users);
        if (step % 75 === 0) await expectSearchExact(users, live);
      },
    });
  }, 240_000);

  it('should keep task_search exact under concurrent writes of one task and one user', async () => {
    const [owner, helper, third] = await Promise.all([
      signUp(t.http),
      signUp(t.http),
      signUp(t.http),
    ]);
    const tasks = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        createTask(t.http, owner, { title: `race ${i}`, assignee_id: helper.id }),
      ),
    );
    const responses = await Promise.all([
      ...tasks.flatMap((task, i) => [
        t.http
          .patch(`${TASKS}/${task.id}`)
          .set(owner.auth)
          .send({ assignee_id: [null, owner.id, third.id][i % 3], title: `Report ${i}` }),
        t.http.patch(`${TASKS}/${task.id}`).set(helper.auth).send({ status: 'completed' }),
      ]),
      ...Array.from({ length: 10 }, (_, i) =>
        t.http
          .post(TASKS)
          .set(owner.auth)
          .send({ title: `burst report ${i}`, assignee_id: i % 2 === 0 ? helper.id : null }),
      ),
      t.http.delete(`${TASKS}/${tasks[0].id}`).set(owner.auth),
    ]);
    // A write racing a reassignment may lose its access (404) or its precondition; none fails.
    expect(responses.map((res) => res.status).filter((s) => s >= 500)).toEqual([]);
    await expectRowsExact([owner, helper, third]);
  }, 60_000);

  it('should drop the rows of a task deleted by SQL (foreign key cascade)', async () => {
    const [owner, helper] = await Promise.all([signUp(t.http), signUp(t.http)]);
    const task = await createTask(t.http, owner, { title: 'cascade', assignee_id: helper.id });
    await ds.query('DELETE FROM task_events WHERE task_id = ?', [task.id]);
    await ds.query('DELETE FROM tasks WHERE id = ?', [task.id]);
    const rows = await ds.query<unknown[]>('SELECT 1 FROM task_search WHERE task_id = ?', [
      task.id,
    ]);
    expect(rows).toEqual([]);
  });
});
