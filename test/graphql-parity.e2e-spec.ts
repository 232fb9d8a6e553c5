import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AsyncLocalStorage } from 'node:async_hooks';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { MysqlQueryRunner } from 'typeorm/driver/mysql/MysqlQueryRunner';
import { createApp } from '../src/app.setup';
import { Session, signUp } from './helpers/factories';
import { detailFieldsOf, gqlData, gqlRequest, GRAPHQL, idsOf } from './helpers/graphql';
import { createProject, setMember } from './helpers/projects';
import { createTask, TASKS, TaskJson } from './helpers/tasks';

/** The SQL statements run on behalf of one HTTP request (see the onRequest hook below). */
interface QueryLog {
  sql: string[];
}

const requestQueries = new AsyncLocalStorage<QueryLog>();

/**
 * The same filters through REST (`GET /api/v1/tasks`) and GraphQL (`tasks`): the same tasks in
 * the same order and the same total; and the batching of a page's related objects, counted in
 * SQL statements per request.
 */
describe('GraphQL tasks: parity with REST and batching (e2e)', () => {
  let app: NestFastifyApplication;
  let http: TestAgent;
  let me: Session;
  let other: Session;
  let projectA: number;
  let projectB: number;
  const logs: QueryLog[] = [];
  const originalQuery = MysqlQueryRunner.prototype.query;

  beforeAll(async () => {
    // Every statement goes through a query runner: count those made inside a request's context.
    MysqlQueryRunner.prototype.query = function (
      this: MysqlQueryRunner,
      ...args: Parameters<MysqlQueryRunner['query']>
    ) {
      requestQueries.getStore()?.sql.push(String(args[0]));
      return originalQuery.apply(this, args);
    } as MysqlQueryRunner['query'];
    app = await createApp();
    // A GET request has no body to read, so everything it runs stays in this async context.
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onRequest', (req, _reply, done) => {
        if (req.method !== 'GET' || !req.url.startsWith(GRAPHQL)) return done();
        const log: QueryLog = { sql: [] };
        logs.push(log);
        requestQueries.run(log, done);
      });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    http = request(app.getHttpServer());

    me = await signUp(http);
    other = await signUp(http);
    projectA = (await createProject(http, me, { name: 'Parity A' })).id;
    projectB = (await createProject(http, other, { name: 'Parity B' })).id;
    await setMember(http, other, projectB, me, 'editor');
    const label = async (projectId: number, owner: Session, name: string): Promise<number> =>
      (
        await http
          .post(`/api/v1/projects/${projectId}/labels`)
          .set(owner.auth)
          .send({ name })
          .expect(201)
      ).body.id as number;
    const bugA = await label(projectA, me, 'bug');
    const urgentA = await label(projectA, me, 'urgent');
    const bugB = await label(projectB, other, 'Bug');
    const statuses = ['pending', 'in_progress', 'completed'];
    const priorities = ['low', 'medium', 'high'];
    const words = ['alpha report', '项目文档 alpha', 'beta plan', 'gamma'];
    for (let i = 0; i < 24; i++) {
      const inA = i % 3 !== 0;
      const owner = inA || i % 2 === 0 ? me : other;
      await createTask(http, owner, {
        title: `${words[i % words.length]} #${i}`,
        description: i % 5 === 0 ? 'contains alpha too' : '',
        status: statuses[i % 3],
        priority: priorities[(i * 7) % 3],
        project_id: inA ? projectA : projectB,
        assignee_id: i % 4 === 0 ? null : i % 4 === 1 ? me.id : other.id,
        due_date: i % 6 === 5 ? null : new Date(Date.UTC(2026, 0, 1 + i * 9)).toISOString(),
        label_ids: inA ? (i % 2 === 0 ? [bugA, urgentA] : [bugA]) : i % 2 === 0 ? [bugB] : [],
      });
    }
  });

  afterAll(async () => {
    MysqlQueryRunner.prototype.query = originalQuery;
    await app?.close();
  });

  /** [REST query string, GraphQL arguments]: the same request on both APIs. */
  const CASES: Array<[string, string]> = [
    ['', ''],
    ['status=pending,in_progress', 'filter: { status: [pending, in_progress] }'],
    ['priority=high', 'filter: { priority: [high] }'],
    ['assignee_id=none', 'filter: { assigneeId: "none" }'],
    ['scope=owned', 'filter: { scope: owned }'],
    ['scope=assigned', 'filter: { scope: assigned }'],
    ['label=bug', 'filter: { label: ["bug"] }'],
    ['label=bug,URGENT', 'filter: { label: ["bug", "URGENT"] }'],
    ['q=alpha', 'filter: { q: "alpha" }'],
    ['q=项目', 'filter: { q: "项目" }'],
    [
      'due_before=2026-04-01T00:00:00Z&due_after=2026-01-15T00:00:00Z',
      'filter: { dueBefore: "2026-04-01T00:00:00Z", dueAfter: "2026-01-15T00:00:00Z" }',
    ],
    ['overdue=true', 'filter: { overdue: true }'],
    [
      'overdue=false&sort=due_date&order=asc',
      'filter: { overdue: false }, sort: due_date, order: asc',
    ],
    [
      'sort=priority&order=asc&page=2&page_size=5',
      'sort: priority, order: asc, page: 2, pageSize: 5',
    ],
    ['sort=title&page_size=7&page=4', 'sort: title, pageSize: 7, page: 4'],
    ['page=9', 'page: 9'],
  ];

  it.each(CASES)(
    'REST ?%s and GraphQL (%s) should answer the same tasks and total',
    async (rest, args) => {
      const restRes = await http.get(`${TASKS}?${rest}`).set(me.auth).expect(200);
      const gqlArgs = args === '' ? '' : `(${args})`;
      const data = await gqlData(
        http,
        me.auth,
        `{ tasks${gqlArgs} { totalCount nodes { id title status priority projectId assigneeId dueDate labels { id name } } } }`,
      );
      const restTasks = restRes.body as TaskJson[];
      expect(data.tasks.totalCount).toBe(Number(restRes.headers['x-total-count']));
      expect(data.tasks.nodes).toEqual(
        restTasks.map((task) => ({
          id: task.id,
          title: task.title,
          status: task.status,
          priority: task.priority,
          projectId: task.project_id,
          assigneeId: task.assignee_id,
          dueDate: task.due_date,
          labels: task.labels.map((l) => ({
            id: l.id,
            name: l.name,
          })),
        })),
      );
    },
  );

  it('should see the project filter through both APIs, and nothing of a project it cannot see', async () => {
    for (const ids of [[projectA], [projectB], [projectA, projectB]]) {
      const restRes = await http
        .get(`${TASKS}?project_id=${ids.join(',')}&page_size=100`)
        .set(me.auth)
        .expect(200);
      const data = await gqlData(
        http,
        me.auth,
        `query($p: [Int!]) { tasks(filter: { projectId: $p }, pageSize: 100) { totalCount nodes { id } } }`,
        { p: ids },
      );
      expect(idsOf(data.tasks.nodes)).toEqual(idsOf(restRes.body));
      expect(data.tasks.totalCount).toBe(Number(restRes.headers['x-total-count']));
    }
    const stranger = await signUp(http);
    const data = await gqlData(
      http,
      stranger.auth,
      `query($p: [Int!]) { tasks(filter: { projectId: $p }) { totalCount } }`,
      { p: [projectA] },
    );
    expect(data.tasks.totalCount).toBe(0);
  });

  it.each([
    ['page_size=0', 'pageSize: 0', 'pageSize'],
    ['page_size=101', 'pageSize: 101', 'pageSize'],
    ['page=0', 'page: 0', 'page'],
    ['due_before=yesterday', 'filter: { dueBefore: "yesterday" }', 'dueBefore'],
    ['assignee_id=nobody', 'filter: { assigneeId: "nobody" }', 'assigneeId'],
    [`q=${'x'.repeat(201)}`, `filter: { q: "${'x'.repeat(201)}" }`, 'q'],
  ])(
    'REST ?%s and GraphQL (%s) should both refuse it, naming the field',
    async (rest, args, field) => {
      const restRes = await http.get(`${TASKS}?${rest}`).set(me.auth).expect(400);
      const res = await gqlRequest(http, me.auth, `{ tasks(${args}) { totalCount } }`);
      expect(res.body.errors[0].extensions.code).toBe(restRes.body.code);
      expect(detailFieldsOf(res)).toEqual([field]);
    },
  );

  describe('batching', () => {
    const BOARD = `query($n: Int) { tasks(pageSize: $n, sort: created_at) { totalCount nodes {
      id title project { id name role } assignee { id username } creator { id username }
      labels { id name color } commentCount } } }`;

    /** Runs the board query by GET and returns the SQL statements it ran. */
    async function statementsOf(who: Session, pageSize: number): Promise<string[]> {
      const before = logs.length;
      const url = `${GRAPHQL}?query=${encodeURIComponent(BOARD)}&variables=${encodeURIComponent(JSON.stringify({ n: pageSize }))}`;
      const res = await http.get(url).set(who.auth).expect(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.tasks.nodes).toHaveLength(pageSize);
      expect(logs.length).toBe(before + 1);
      return logs[before].sql;
    }

    it('should read a page of 100 tasks with project, assignee, creator, labels and comment counts in a fixed, small number of statements', async () => {
      const busy = await signUp(http);
      const project = await createProject(http, busy, { name: 'Batching' });
      const helpers = await Promise.all([signUp(http), signUp(http), signUp(http)]);
      for (const helper of helpers) await setMember(http, busy, project.id, helper, 'editor');
      const labelId = (
        await http
          .post(`/api/v1/projects/${project.id}/labels`)
          .set(busy.auth)
          .send({ name: 'l' })
          .expect(201)
      ).body.id as number;
      for (let i = 0; i < 100; i++) {
        const creator = i % 4 === 0 ? busy : helpers[i % 3];
        await createTask(http, creator, {
          project_id: project.id,
          assignee_id: helpers[(i + 1) % 3].id,
          label_ids: i % 2 === 0 ? [labelId] : [],
        });
      }
      const small = await statementsOf(busy, 3);
      const page = await statementsOf(busy, 100);
      // A page of 100 costs what a page of 3 does: listing (count, page, labels) plus one
      // statement each for projects, users and comment counts, never one per task.
      expect(page.length).toBe(small.length);
      expect(page.length).toBeLessThanOrEqual(8);
      expect(page.filter((sql) => /FROM `?users`?/i.test(sql))).toHaveLength(1);
      expect(page.filter((sql) => /FROM `?comments`?/i.test(sql))).toHaveLength(1);
    });
  });
});
