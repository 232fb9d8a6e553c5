import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './helpers/app';
import { Session, signUp } from './helpers/factories';
import { createProject, setMember } from './helpers/projects';
import { expectStoreAsAnswered, runRandomTaskOps, STEP_KINDS } from './helpers/random-task-ops';
import {
  ListFilters,
  listQuery,
  readStore,
  selected,
  Store,
  TaskRow,
} from './helpers/read-model-truth';
import { createTask, NO_RATE_LIMITS, TaskJson, TASKS } from './helpers/tasks';

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

interface Variant {
  filters: Omit<ListFilters, 'q' | 'scope'>;
  sort?: 'title';
  order?: 'asc';
}

describe('Task search per project (e2e)', () => {
  let t: TestApp;
  let ds: DataSource;
  /** Each title's rank in the title column's collation (equal ranks tie, broken by id). */
  let titleRank: Map<string, number>;

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    ds = t.app.get(DataSource);
    const [column] = await ds.query<Array<{ c: string }>>(
      `SELECT COLLATION_NAME AS c FROM information_schema.COLUMNS
       WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'tasks' AND COLUMN_NAME = 'title'`,
    );
    const ranked = await ds.query<Array<{ title: string; r: number }>>(
      `SELECT v.title, DENSE_RANK() OVER (ORDER BY v.title COLLATE ${column.c}) AS r FROM (` +
        TITLES.map(() => 'SELECT CONVERT(? USING utf8mb4) AS title').join(' UNION ALL ') +
        ') v',
      TITLES,
    );
    titleRank = new Map(ranked.map((row) => [row.title, Number(row.r)]));
  });

  afterAll(async () => {
    await t.close();
  });

  /** The ids the listing must answer, in order: by created_at or title, ties by id. */
  function expectedIds(rows: TaskRow[], v: Variant): number[] {
    const dir = v.order === 'asc' ? 1 : -1;
    const key = (task: TaskRow): number =>
      v.sort === 'title' ? titleRank.get(task.title)! : task.created_at.getTime();
    return [...rows]
      .sort((a, b) => (key(a) - key(b)) * dir || (a.id - b.id) * dir)
      .map((task) => task.id);
  }

  /** X-Total-Count and a page of every query × scope × variant equal the JS ground truth. */
  async function expectSearchExact(users: Session[], op = ''): Promise<void> {
    const store = await readStore(
      ds,
      users.map((u) => u.id),
    );
    const mismatches: unknown[] = [];
    for (const [i, user] of users.entries()) {
      const mine = [...store.members].filter(([, m]) => m.has(user.id)).map(([id]) => id);
      const foreign = store.projectIds.find((id) => !mine.includes(id))!;
      const variants: Variant[] = [
        { filters: {} },
        { filters: {}, order: 'asc' },
        { filters: { status: ['pending'] } },
        { filters: {}, sort: 'title' },
        { filters: { assignee: users[(i + 1) % users.length].id } },
        { filters: { projectIds: [mine[mine.length - 1], foreign].sort((a, b) => a - b) } },
      ];
      for (const q of QUERIES)
        for (const scope of ['all', 'owned', 'assigned'] as const)
          for (const [n, v] of variants.entries()) {
            const f: ListFilters = { q, scope, ...v.filters };
            const expected = expectedIds(selected(store, user.id, f), v);
            // The second page too, now and then: the merge of several sources pages right.
            const page = n % 2 === 0 && expected.length > 3 ? 2 : 1;
            const query = { ...listQuery(f), page_size: '3', page: `${page}` };
            if (v.sort) Object.assign(query, { sort: v.sort });
            if (v.order) Object.assign(query, { order: v.order });
            const res = await t.http.get(TASKS).set(user.auth).query(query);
            const total = Number(res.headers['x-total-count']);
            const ids = res.status === 200 ? (res.body as TaskJson[]).map((task) => task.id) : [];
            const want = expected.slice((page - 1) * 3, page * 3);
            if (res.status !== 200 || total !== expected.length || ids.join() !== want.join()) {
              mismatches.push({ user: user.id, ...query, status: res.status, total, ids, want });
            }
          }
    }
    expect({ op, mismatches }).toEqual({ op, mismatches: [] });
  }

  /** task_search holds exactly one row per live task, with its project, creation time and text. */
  async function expectRowsExact(users: Session[], op = ''): Promise<Store> {
    const store = await readStore(
      ds,
      users.map((u) => u.id),
    );
    const rows = await ds.query<Array<Record<string, unknown>>>(
      `SELECT s.task_id, s.project_id, s.created_at, s.doc FROM task_search s
       JOIN tasks t ON t.id = s.task_id WHERE t.user_id IN (?) ORDER BY s.task_id`,
      [users.map((u) => u.id)],
    );
    const actual = rows.map((r) => [
      Number(r.task_id),
      Number(r.project_id),
      (r.created_at as Date).getTime(),
      (r.doc as Buffer).toString('utf8'),
    ]);
    const expected = [...store.tasks]
      .sort((a, b) => a.id - b.id)
      .map((task) => [
        task.id,
        task.project_id,
        task.created_at.getTime(),
        `${task.title}\n${task.description}`.toLowerCase(),
      ]);
    expect({ op, rows: actual }).toEqual({ op, rows: expected });
    return store;
  }

  it('should store lower-cased text and find it whatever the case of the term', async () => {
    const user = await signUp(t.http);
    const task = await createTask(t.http, user, {
      title: 'Quarterly REPORT Über',
      description: '完成项目文档',
    });
    const [row] = await ds.query<Array<{ doc: Buffer }>>(
      'SELECT doc FROM task_search WHERE task_id = ?',
      [task.id],
    );
    expect(row.doc.toString('utf8')).toBe('quarterly report über\n完成项目文档');
    for (const q of ['report', 'REPORT', 'über', 'ÜBER', '项目', 'report 项目']) {
      const res = await t.http.get(TASKS).set(user.auth).query({ q }).expect(200);
      expect([q, (res.body as TaskJson[]).map((x) => x.id)]).toEqual([q, [task.id]]);
      expect(res.headers['x-total-count']).toBe('1');
    }
    // Case is folded by LOWER, accents are not: `uber` is another word than `über`.
    const uber = await t.http.get(TASKS).set(user.auth).query({ q: 'uber' }).expect(200);
    expect(uber.headers['x-total-count']).toBe('0');
  });

  it('should keep task_search and every search exact over random task and membership changes', async () => {
    const users = await Promise.all([1, 2, 3, 4].map(() => signUp(t.http)));
    const tally = await runRandomTaskOps(t.http, {
      users,
      seed: 20261202,
      steps: 160,
      minLive: 8,
      teams: 2,
      texts: { titles: TITLES, descriptions: DESCRIPTIONS },
      onStep: async (step, world, op) => {
        await expectStoreAsAnswered(ds, world);
        await expectRowsExact(users, op);
        if (step % 80 === 0) await expectSearchExact(users, op);
      },
    });
    expect(STEP_KINDS.filter((kind) => !tally[kind])).toEqual([]);
  }, 600_000);

  it('should find a project task for every member and a non-member assignee, and no one else', async () => {
    const [owner, viewer, outsider, stranger] = await Promise.all(
      [1, 2, 3, 4].map(() => signUp(t.http)),
    );
    const team = await createProject(t.http, owner, { name: 'search' });
    await setMember(t.http, owner, team.id, viewer, 'viewer');
    const assigned = await createTask(t.http, owner, {
      project_id: team.id,
      title: '完成项目 report',
      assignee_id: outsider.id,
    });
    const other = await createTask(t.http, owner, { project_id: team.id, title: '项目 plan' });
    const found = async (user: Session, q: string): Promise<number[]> => {
      const res = await t.http.get(TASKS).set(user.auth).query({ q }).expect(200);
      expect(res.headers['x-total-count']).toBe(`${(res.body as unknown[]).length}`);
      return (res.body as TaskJson[]).map((task) => task.id);
    };
    for (const member of [owner, viewer]) {
      expect(await found(member, '项目')).toEqual([other.id, assigned.id]);
    }
    expect(await found(outsider, '项目')).toEqual([assigned.id]);
    expect(await found(stranger, '项目')).toEqual([]);
    // Removed, the viewer no longer finds them: access is read per request.
    await t.http
      .delete(`/api/v1/projects/${team.id}/members/${viewer.id}`)
      .set(owner.auth)
      .expect(204);
    expect(await found(viewer, 'report')).toEqual([]);
    await expectRowsExact([owner, viewer, outsider, stranger]);
  });

  it('should keep task_search exact under concurrent writes of one project', async () => {
    const users = await Promise.all([1, 2, 3].map(() => signUp(t.http)));
    const [owner, ...others] = users;
    const team = await createProject(t.http, owner, { name: 'race' });
    const side = await createProject(t.http, owner, { name: 'race side' });
    for (const user of others) {
      await setMember(t.http, owner, team.id, user, 'editor');
      await setMember(t.http, owner, side.id, user, 'editor');
    }
    const tasks = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        createTask(t.http, users[i % 3], { title: `race ${i}`, project_id: team.id }),
      ),
    );
    const responses = await Promise.all([
      ...tasks.flatMap((task, i) => [
        t.http
          .patch(`${TASKS}/${task.id}`)
          .set(users[(i + 1) % 3].auth)
          .send(i % 2 === 0 ? { project_id: side.id } : { title: `Report ${i}` }),
        t.http
          .patch(`${TASKS}/${task.id}`)
          .set(users[(i + 2) % 3].auth)
          .send({ description: `项目 ${i}` }),
      ]),
      ...Array.from({ length: 10 }, (_, i) =>
        t.http
          .post(TASKS)
          .set(users[i % 3].auth)
          .send({ title: `burst report ${i}`, project_id: team.id }),
      ),
      t.http.delete(`${TASKS}/${tasks[0].id}`).set(owner.auth),
    ]);
    expect(responses.map((res) => res.status).filter((s) => s >= 500)).toEqual([]);
    await expectRowsExact(users);
  }, 120_000);

  it('should drop the row of a task deleted by SQL (foreign key cascade)', async () => {
    const owner = await signUp(t.http);
    const task = await createTask(t.http, owner, { title: 'cascade' });
    await ds.query('DELETE FROM task_events WHERE task_id = ?', [task.id]);
    await ds.query('DELETE FROM tasks WHERE id = ?', [task.id]);
    const rows = await ds.query<unknown[]>('SELECT 1 FROM task_search WHERE task_id = ?', [
      task.id,
    ]);
    expect(rows).toEqual([]);
  });
});
