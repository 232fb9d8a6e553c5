import { randomBytes } from 'node:crypto';
import { TASK_PRIORITIES } from '../src/tasks/domain/task.constants';
import { MAX_PROJECT_PARTS } from '../src/tasks/listing/visibility.sql';
import { startTestApp, TestApp } from './helpers/app';
import { errorBody, Session, signUp } from './helpers/factories';
import { exportJson } from './helpers/exports';
import { createProject, ProjectJson, setMember } from './helpers/projects';
import { createTask, detailFields, NO_RATE_LIMITS, TASKS, TaskJson } from './helpers/tasks';

type Sort = 'created_at' | 'updated_at' | 'due_date' | 'priority' | 'title';

/** The contract's order: by the sort key (nulls first ascending), ties broken by id. */
function expectedOrder(tasks: TaskJson[], sort: Sort, order: 'asc' | 'desc'): number[] {
  const key = (x: TaskJson): string | number | null =>
    sort === 'priority' ? TASK_PRIORITIES.indexOf(x.priority) : x[sort];
  const compare = (x: TaskJson, y: TaskJson): number => {
    const [a, b] = [key(x), key(y)];
    const byKey = a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1;
    const c = byKey === 0 ? x.id - y.id : byKey;
    return order === 'asc' ? c : -c;
  };
  return [...tasks].sort(compare).map((x) => x.id);
}

/**
 * The listing of a member of many projects: one part per project up to MAX_PROJECT_PARTS, one
 * IN list past it, plus the tasks assigned to it elsewhere, merged in the requested order and
 * paged. And the export's `project_id` filter in its JSON spellings.
 */
describe('Listing across projects (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // A queue prefix of its own: no other spec's workers run this spec's export jobs.
    t = await startTestApp({
      ...NO_RATE_LIMITS,
      REDIS_KEY_PREFIX: `${process.env.DB_NAME}:plist-${randomBytes(3).toString('hex')}:`,
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  describe.each([
    ['a few projects', 3],
    ['more projects than MAX_PROJECT_PARTS', MAX_PROJECT_PARTS + 2],
  ])('a member of %s', (_case, projectCount) => {
    let me: Session;
    let visible: TaskJson[];
    let projects: ProjectJson[];

    beforeAll(async () => {
      me = await signUp(t.http);
      const other = await signUp(t.http);
      projects = [];
      for (let i = 0; i < projectCount; i += 1) {
        const project = await createProject(t.http, other, { name: `p${i}` });
        await setMember(t.http, other, project.id, me, i % 2 === 0 ? 'editor' : 'viewer');
        projects.push(project);
      }
      const hidden = await createProject(t.http, other, { name: 'not mine' });
      visible = [];
      for (let i = 0; i < 30; i += 1) {
        visible.push(
          await createTask(t.http, other, {
            project_id: projects[(i * 7) % projects.length].id,
            title: `${String.fromCharCode(97 + ((i * 11) % 26))} task ${i} common`,
            priority: TASK_PRIORITIES[i % 3],
            status: i % 4 === 1 ? 'in_progress' : 'pending',
            due_date: i % 4 === 0 ? null : new Date(Date.UTC(2030, 0, 1 + (i % 9))).toISOString(),
            assignee_id: i % 5 === 0 ? me.id : null,
          }),
        );
      }
      // Assigned to it in a project it is not in, and one it must never see.
      visible.push(
        await createTask(t.http, other, {
          project_id: hidden.id,
          title: 'm elsewhere common',
          assignee_id: me.id,
        }),
      );
      await createTask(t.http, other, { project_id: hidden.id, title: 'hidden common' });
      // Updated out of creation order, so updated_at sorts differently.
      for (const task of visible.filter((_, i) => i % 3 === 0)) {
        const res = await t.http
          .patch(`${TASKS}/${task.id}`)
          .set(other.auth)
          .send({ description: 'touched' })
          .expect(200);
        visible[visible.indexOf(task)] = res.body as TaskJson;
      }
    });

    const cases: Array<[Sort, 'asc' | 'desc', Record<string, string>]> = [
      ['created_at', 'desc', {}],
      ['updated_at', 'desc', { q: 'common' }],
      ['title', 'asc', { assignee_id: 'none' }],
      ['priority', 'asc', { status: 'pending' }],
      ['due_date', 'asc', {}],
      ['due_date', 'desc', { q: 'task' }],
    ];

    it.each(cases)(
      'should merge every visible task sorted by %s %s (filters %j), paged without gaps',
      async (sort, order, filters) => {
        const matching = visible.filter(
          (x) =>
            (filters.assignee_id !== 'none' || x.assignee_id === null) &&
            (filters.status === undefined || x.status === filters.status) &&
            (filters.q === undefined || `${x.title}\n${x.description}`.includes(filters.q)),
        );
        const expected = expectedOrder(matching, sort, order);
        const query = { sort, order, ...filters };
        const full = await t.http
          .get(TASKS)
          .query({ ...query, page_size: 100 })
          .set(me.auth)
          .expect(200);
        expect((full.body as TaskJson[]).map((x) => x.id)).toEqual(expected);
        expect(full.headers['x-total-count']).toBe(String(expected.length));
        const paged: number[] = [];
        for (let page = 1; page <= Math.ceil(expected.length / 7); page += 1) {
          const res = await t.http
            .get(TASKS)
            .query({ ...query, page_size: 7, page })
            .set(me.auth)
            .expect(200);
          expect(res.headers['x-total-count']).toBe(String(expected.length));
          paged.push(...(res.body as TaskJson[]).map((x) => x.id));
        }
        expect(paged).toEqual(expected);
      },
    );

    it('should count the same tasks in stats, and narrow to every project by a comma list', async () => {
      const stats = await t.http.get(`${TASKS}/stats`).set(me.auth).expect(200);
      expect(stats.body).toMatchObject({
        total: visible.length,
        by_status: { in_progress: visible.filter((x) => x.status === 'in_progress').length },
      });
      const ids = projects.map((p) => p.id).join(',');
      const narrowed = await t.http
        .get(TASKS)
        .query({ project_id: ids, page_size: 100 })
        .set(me.auth)
        .expect(200);
      // All but the task assigned to it elsewhere.
      expect(narrowed.headers['x-total-count']).toBe(String(visible.length - 1));
      const narrowedStats = await t.http
        .get(`${TASKS}/stats`)
        .query({ project_id: ids })
        .set(me.auth)
        .expect(200);
      expect(narrowedStats.body.total).toBe(visible.length - 1);
    });
  });

  describe('the export’s project_id', () => {
    let member: Session;
    let first: TaskJson;
    let second: TaskJson;

    beforeAll(async () => {
      member = await signUp(t.http);
      const [a, b] = [
        await createProject(t.http, member, { name: 'A' }),
        await createProject(t.http, member, { name: 'B' }),
      ];
      first = await createTask(t.http, member, { project_id: a.id });
      second = await createTask(t.http, member, { project_id: b.id });
      await createTask(t.http, member, {});
    });

    it('should take a number, an array of numbers or the comma list, as the listing does', async () => {
      const ids = async (filter: unknown) =>
        (await exportJson(t.http, member, { project_id: filter })).map((x) => x.id);
      expect(await ids(first.project_id)).toEqual([first.id]);
      expect(await ids([first.project_id, second.project_id])).toEqual([second.id, first.id]);
      expect(await ids(`${first.project_id},${second.project_id}`)).toEqual([second.id, first.id]);
      expect(await ids([String(second.project_id)])).toEqual([second.id]);
    });

    it.each([[0], [-3], [1.5], ['abc'], [[1, 'x']], [[1, null]], [true], [{}]])(
      'should answer 400 naming project_id for %j',
      async (projectId) => {
        const res = await t.http
          .post(`${TASKS}/export`)
          .set(member.auth)
          .send({ format: 'json', project_id: projectId })
          .expect(400);
        expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
        expect(detailFields(res.body)).toEqual(['project_id']);
      },
    );
  });
});
