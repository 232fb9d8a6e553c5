import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './helpers/app';
import { Session, signUp } from './helpers/factories';
import { createProject, setMember } from './helpers/projects';
import {
  expectStoreAsAnswered,
  PRIORITIES,
  runRandomTaskOps,
  STEP_KINDS,
  STATUSES,
} from './helpers/random-task-ops';
import {
  cellDrift,
  expectedCells,
  expectedHourlyCounts,
  ListFilters,
  listQuery,
  readStore,
  selected,
  storedCells,
  storedHourlyCounts,
  Store,
} from './helpers/read-model-truth';
import { createTask, inboxOf, NO_RATE_LIMITS, TASKS } from './helpers/tasks';

const SCOPES = ['all', 'owned', 'assigned'] as const;
/** Status and priority subsets, alone and together. */
const STATE_FILTERS: Array<Pick<ListFilters, 'status' | 'priority'>> = [
  {},
  { status: ['pending'] },
  { priority: ['high'] },
  { status: ['in_progress', 'completed'], priority: ['low', 'medium'] },
];

describe('Task counters per project (e2e)', () => {
  let t: TestApp;
  let ds: DataSource;

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    ds = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t.close();
  });

  /**
   * Every cell and hourly counter of the users' projects (deleted ones included) equals a
   * recount of the rows.
   */
  async function expectCellsExact(users: Session[], op = ''): Promise<Store> {
    const store = await readStore(
      ds,
      users.map((u) => u.id),
    );
    const drift = cellDrift(await storedCells(ds, store.projectIds), expectedCells(store.tasks));
    const hourly = cellDrift(
      await storedHourlyCounts(ds, store.projectIds),
      expectedHourlyCounts(store.tasks),
    );
    expect({ op, drift, hourly }).toEqual({ op, drift: [], hourly: [] });
    return store;
  }

  /**
   * Project filters for `user`: one of its projects, one it is not a member of (where it may
   * still be an assignee), both, and a project that no longer exists when there is one.
   */
  function projectFilters(store: Store, user: Session): Array<number[] | undefined> {
    const mine = [...store.members].filter(([, m]) => m.has(user.id)).map(([id]) => id);
    const others = store.projectIds.filter((id) => !mine.includes(id));
    const member = mine[mine.length - 1];
    const stranger =
      store.tasks.find((task) => task.assignee_id === user.id && !mine.includes(task.project_id))
        ?.project_id ?? others[0];
    const gone = store.projectIds.find((id) => !store.members.has(id));
    const filters: Array<number[] | undefined> = [undefined, [member]];
    if (stranger !== undefined)
      filters.push(
        [stranger],
        [member, stranger].sort((a, b) => a - b),
      );
    if (gone !== undefined) filters.push([gone, member].sort((a, b) => a - b));
    return filters;
  }

  /**
   * X-Total-Count of scope × assignee (absent, none, me, another) × status/priority × project
   * filter, for every user, equals the count of the visible rows; and so do the stats.
   */
  async function expectExactTotals(users: Session[], op = ''): Promise<void> {
    const store = await readStore(
      ds,
      users.map((u) => u.id),
    );
    const mismatches: unknown[] = [];
    for (const [i, user] of users.entries()) {
      const other = users[(i + 1) % users.length].id;
      for (const projectIds of projectFilters(store, user))
        for (const scope of SCOPES)
          for (const assignee of [undefined, 'none', user.id, other] as const)
            for (const state of STATE_FILTERS) {
              const f: ListFilters = { scope, assignee, projectIds, ...state };
              const res = await t.http
                .get(TASKS)
                .set(user.auth)
                .query({ ...listQuery(f), page_size: '1' });
              const total = Number(res.headers['x-total-count']);
              const expected = selected(store, user.id, f).length;
              if (res.status !== 200 || total !== expected) {
                mismatches.push({
                  user: user.id,
                  ...listQuery(f),
                  status: res.status,
                  total,
                  expected,
                });
              }
            }
      for (const projectIds of projectFilters(store, user)) {
        const query = projectIds ? { project_id: projectIds.join(',') } : {};
        const res = await t.http.get(`${TASKS}/stats`).set(user.auth).query(query).expect(200);
        const rows = selected(store, user.id, { scope: 'all', projectIds });
        const by = <K extends 'status' | 'priority'>(key: K, values: readonly string[]) =>
          Object.fromEntries(values.map((v) => [v, rows.filter((r) => r[key] === v).length]));
        expect({ user: user.id, query, ...res.body }).toMatchObject({
          user: user.id,
          query,
          total: rows.length,
          by_status: by('status', STATUSES),
          by_priority: by('priority', PRIORITIES),
        });
      }
    }
    expect({ op, mismatches }).toEqual({ op, mismatches: [] });
  }

  it('should count a task in its project, creator and assignee cells, and move them on a move', async () => {
    const [owner, member, outsider] = await Promise.all([1, 2, 3].map(() => signUp(t.http)));
    const team = await createProject(t.http, owner, { name: 'cells' });
    await setMember(t.http, owner, team.id, member, 'editor');
    const inbox = await inboxOf(ds, owner.id);
    const task = await createTask(t.http, owner, {
      project_id: team.id,
      assignee_id: outsider.id,
      status: 'completed',
      priority: 'high',
    });
    const cells = async (): Promise<number[][]> => {
      const rows = await ds.query<Array<Record<string, unknown>>>(
        'SELECT kind, subject_id, project_id, unassigned, status, priority, n FROM task_counts ' +
          'WHERE project_id IN (?) AND n <> 0 ORDER BY kind, subject_id, project_id',
        [[team.id, inbox]],
      );
      return rows.map((r) => Object.values(r).map(Number));
    };
    expect(await cells()).toEqual([
      [1, 0, team.id, 0, 3, 3, 1],
      [2, outsider.id, team.id, 0, 3, 3, 1],
      [3, owner.id, team.id, 0, 3, 3, 1],
    ]);
    await t.http
      .patch(`${TASKS}/${task.id}`)
      .set(owner.auth)
      .send({ project_id: inbox, assignee_id: null })
      .expect(200);
    expect(await cells()).toEqual([
      [1, 0, inbox, 1, 3, 3, 1],
      [3, owner.id, inbox, 1, 3, 3, 1],
    ]);
    await expectCellsExact([owner, member, outsider]);
    await expectExactTotals([owner, member, outsider]);
  });

  it('should keep task_counts and X-Total-Count exact over random task and membership changes', async () => {
    const users = await Promise.all([1, 2, 3, 4, 5].map(() => signUp(t.http)));
    const tally = await runRandomTaskOps(t.http, {
      users,
      seed: 20261201,
      steps: 200,
      minLive: 6,
      teams: 3,
      onStep: async (step, world, op) => {
        await expectStoreAsAnswered(ds, world);
        await expectCellsExact(users, op);
        if (step % 50 === 0) await expectExactTotals(users, op);
      },
    });
    expect(STEP_KINDS.filter((kind) => !tally[kind])).toEqual([]);
  }, 600_000);

  it('should keep the counters exact under concurrent writes of one project from several users', async () => {
    const users = await Promise.all([1, 2, 3, 4].map(() => signUp(t.http)));
    const [owner, ...others] = users;
    const team = await createProject(t.http, owner, { name: 'burst' });
    const side = await createProject(t.http, owner, { name: 'side' });
    for (const user of others) {
      await setMember(t.http, owner, team.id, user, 'editor');
      await setMember(t.http, owner, side.id, user, 'editor');
    }
    const assignees = [null, ...users.map((u) => u.id)];
    const seeded = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        createTask(t.http, users[i % 4], {
          project_id: team.id,
          assignee_id: assignees[i % 5],
          priority: PRIORITIES[i % 3],
        }),
      ),
    );
    // Every request writes cells of the same project (and most of them the same few cells).
    const responses = await Promise.all([
      ...Array.from({ length: 24 }, (_, i) =>
        t.http
          .post(TASKS)
          .set(users[i % 4].auth)
          .send({
            title: `burst ${i}`,
            project_id: team.id,
            status: STATUSES[i % 3],
            priority: PRIORITIES[(i >> 1) % 3],
            assignee_id: assignees[i % 5],
          }),
      ),
      ...seeded.map((task, i) =>
        t.http
          .patch(`${TASKS}/${task.id}`)
          .set(users[(i + 1) % 4].auth)
          .send(
            i % 4 === 0
              ? { project_id: side.id, status: STATUSES[i % 3] }
              : { status: STATUSES[(i + 1) % 3], assignee_id: assignees[(i + 2) % 5] },
          ),
      ),
      ...seeded
        .slice(0, 4)
        .map((task, i) => t.http.delete(`${TASKS}/${task.id}`).set(users[i].auth)),
    ]);
    const statuses = responses.map((res) => res.status);
    // A delete racing a patch of the same task may lose (404); nothing may fail.
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.slice(0, 24)).toEqual(Array(24).fill(201));
    expect(statuses.slice(28, 40)).toEqual(Array(12).fill(200));
    await expectCellsExact(users);
    await expectExactTotals(users);
  }, 120_000);
});
