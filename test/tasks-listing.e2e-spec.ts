import { startTestApp, TestApp } from './helpers/app';
import { errorBody, Session, signUp } from './helpers/factories';
import {
  createTask,
  detailFields,
  linkUrl,
  NO_RATE_LIMITS,
  TaskJson,
  TASKS,
} from './helpers/tasks';

const PAST = '2020-06-01T00:00:00.000Z';
const SOON = '2099-01-01T00:00:00.000Z';
const LATER = '2099-06-01T00:00:00.000Z';
const PRIORITY_RANK = { low: 1, medium: 2, high: 3 } as const;

type Query = Record<string, string>;

describe('Tasks listing (e2e)', () => {
  let t: TestApp;
  let me: Session;
  let colleague: Session;
  let outsider: Session;
  /** Every task `me` can see (owned or assigned), live. */
  let visible: TaskJson[];

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    [me, colleague, outsider] = await Promise.all([signUp(t.http), signUp(t.http), signUp(t.http)]);
    const mine: Array<Record<string, unknown>> = [
      {
        title: 'Write 完成项目文档 draft',
        priority: 'high',
        due_date: PAST,
        assignee_id: colleague.id,
      },
      {
        title: 'review budget',
        description: '编写项目的技术文档',
        status: 'in_progress',
        priority: 'low',
        due_date: SOON,
      },
      { title: '100% done', description: 'percent literal', status: 'completed', due_date: PAST },
      { title: 'file_name cleanup', description: 'under score' },
      { title: 'fileXname decoy', priority: 'low', due_date: LATER },
      { title: '50 percent', description: '100 done', priority: 'high', due_date: SOON },
      {
        title: 'Plan Sprint',
        description: 'PLANNING meeting',
        status: 'in_progress',
        due_date: PAST,
      },
      { title: 'sortkey b', priority: 'low' },
      { title: 'sortkey A', priority: 'high', due_date: LATER },
      { title: 'sortkey c', status: 'completed', due_date: SOON },
      { title: 'sortkey a', priority: 'high', assignee_id: me.id },
      { title: 'self assigned done', status: 'completed', assignee_id: me.id, due_date: PAST },
    ];
    const created: TaskJson[] = [];
    for (const body of mine) created.push(await createTask(t.http, me, body));
    // Tasks others own and assigned to me.
    for (const body of [
      { title: 'colleague asks 项目 help', priority: 'medium', due_date: PAST, assignee_id: me.id },
      { title: 'colleague review', status: 'completed', priority: 'high', assignee_id: me.id },
      { title: 'outsider handoff', status: 'in_progress', due_date: SOON, assignee_id: me.id },
    ]) {
      const owner = body.title.startsWith('outsider') ? outsider : colleague;
      created.push(await createTask(t.http, owner, body));
    }
    // Invisible to me: someone else's task, and my own deleted one.
    await createTask(t.http, colleague, {
      title: 'colleague private 项目 plan',
      assignee_id: outsider.id,
    });
    const deleted = await createTask(t.http, me, { title: 'deleted plan 项目' });
    await t.http.delete(`${TASKS}/${deleted.id}`).set(me.auth).expect(200);
    visible = created;
  });

  afterAll(async () => {
    await t.close();
  });

  /** The model of the contract: which visible tasks match, in which order. */
  function expected(query: Query): number[] {
    const now = Date.now();
    const statuses = query.status?.split(',');
    const priorities = query.priority?.split(',');
    const terms = (query.q ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((x) => x.toLowerCase());
    const due = (task: TaskJson): number | null =>
      task.due_date ? Date.parse(task.due_date) : null;
    const rows = visible.filter((task) => {
      const scope = query.scope ?? 'all';
      if (scope === 'owned' && task.user_id !== me.id) return false;
      if (scope === 'assigned' && task.assignee_id !== me.id) return false;
      if (statuses && !statuses.includes(task.status)) return false;
      if (priorities && !priorities.includes(task.priority)) return false;
      if (query.assignee_id === 'none' && task.assignee_id !== null) return false;
      if (
        query.assignee_id &&
        query.assignee_id !== 'none' &&
        task.assignee_id !== Number(query.assignee_id)
      )
        return false;
      const text = `${task.title}\n${task.description}`.toLowerCase();
      if (!terms.every((term) => text.includes(term))) return false;
      const d = due(task);
      if (query.due_before && !(d !== null && d < Date.parse(query.due_before))) return false;
      if (query.due_after && !(d !== null && d > Date.parse(query.due_after))) return false;
      const overdue = d !== null && d < now && task.status !== 'completed';
      if (query.overdue && overdue !== (query.overdue === 'true')) return false;
      return true;
    });
    const sort = query.sort ?? 'created_at';
    const dir = query.order === 'asc' ? 1 : -1;
    const key = (task: TaskJson): number | string => {
      if (sort === 'priority') return PRIORITY_RANK[task.priority];
      if (sort === 'title') return task.title.toLowerCase();
      if (sort === 'due_date') return due(task) ?? -Infinity; // MySQL sorts NULL lowest
      return Date.parse(task[sort as 'created_at' | 'updated_at']);
    };
    return rows
      .sort((a, b) => {
        const [ka, kb] = [key(a), key(b)];
        if (ka !== kb) return (ka < kb ? -1 : 1) * dir;
        return (a.id - b.id) * dir;
      })
      .map((task) => task.id);
  }

  async function list(query: Query, who: Session = me) {
    const res = await t.http.get(TASKS).set(who.auth).query(query);
    expect(res.status).toBe(200);
    return {
      ids: (res.body as TaskJson[]).map((task) => task.id),
      body: res.body as TaskJson[],
      total: Number(res.headers['x-total-count']),
      link: res.headers.link,
    };
  }

  it('should list owned and assigned tasks, newest first, with the count and links', async () => {
    const res = await list({});
    expect(res.ids).toEqual(expected({}));
    expect(res.total).toBe(visible.length);
    expect(res.body[0]).toEqual(visible.find((task) => task.id === res.ids[0]));
    expect(linkUrl(res.link, 'first')).toBe(`${TASKS}?page=1`);
    expect(linkUrl(res.link, 'last')).toBe(`${TASKS}?page=1`);
    expect(linkUrl(res.link, 'next')).toBeUndefined();
    expect(linkUrl(res.link, 'prev')).toBeUndefined();
  });

  const single: Query[] = [
    { status: 'pending' },
    { status: 'pending,in_progress' },
    { status: 'completed' },
    { priority: 'high' },
    { priority: 'low,medium' },
    { scope: 'all' },
    { scope: 'owned' },
    { scope: 'assigned' },
    { assignee_id: 'none' },
    { q: 'plan' },
    { q: 'PLAN sprint' },
    { q: '项目' },
    { q: '技术' },
    { q: '100%' },
    { q: '%' },
    { q: 'file_name' },
    { q: '_' },
    { q: 'nothing-matches-this' },
    { due_before: '2021-01-01T00:00:00Z' },
    { due_after: '2099-01-01T00:00:00Z' },
    { due_after: '2020-01-01T00:00:00+08:00', due_before: '2099-03-01T00:00:00Z' },
    { overdue: 'true' },
    { overdue: 'false' },
    { sort: 'created_at', order: 'asc' },
    { sort: 'updated_at' },
    { sort: 'updated_at', order: 'asc' },
    { sort: 'due_date' },
    { sort: 'due_date', order: 'asc' },
    { sort: 'priority' },
    { sort: 'priority', order: 'asc' },
    { q: 'sortkey', sort: 'title', order: 'asc' },
    { q: 'sortkey', sort: 'title' },
  ];

  it.each(single)('should filter and sort by %j', async (query) => {
    const res = await list({ ...query, page_size: '100' });
    expect(res.ids).toEqual(expected(query));
    expect(res.total).toBe(res.ids.length);
  });

  it('should find the Chinese, literal % and _ cases it is meant to', async () => {
    expect((await list({ q: '项目' })).ids.length).toBe(3);
    const percent = await list({ q: '100%' });
    expect(percent.body.map((task) => task.title)).toEqual(['100% done']);
    const underscore = await list({ q: 'file_name' });
    expect(underscore.body.map((task) => task.title)).toEqual(['file_name cleanup']);
  });

  it('should filter by an assignee id, including the caller', async () => {
    const toColleague = await list({ assignee_id: String(colleague.id) });
    expect(toColleague.ids).toEqual(expected({ assignee_id: String(colleague.id) }));
    expect(toColleague.ids).toHaveLength(1);
    const toMe = await list({ assignee_id: String(me.id) });
    expect(toMe.ids).toEqual(expected({ assignee_id: String(me.id) }));
    expect(toMe.ids).toHaveLength(5);
    const toOutsider = await list({ assignee_id: String(outsider.id) });
    expect(toOutsider.ids).toEqual([]);
    expect(toOutsider.total).toBe(0);
  });

  it.each<Query>([
    { status: 'pending,completed', priority: 'high', sort: 'due_date', order: 'asc' },
    { scope: 'owned', assignee_id: 'none', sort: 'priority' },
    { scope: 'assigned', status: 'in_progress,completed', q: 'review' },
    { scope: 'assigned', assignee_id: 'none' },
    { overdue: 'true', priority: 'high,medium', scope: 'all', sort: 'title', order: 'asc' },
    { q: '项目 colleague', due_before: '2030-01-01T00:00:00Z' },
    { scope: 'owned', status: 'completed', sort: 'updated_at', order: 'asc' },
  ])('should combine %j', async (query) => {
    const res = await list({ ...query, page_size: '100' });
    expect(res.ids).toEqual(expected(query));
    expect(res.total).toBe(res.ids.length);
  });

  it.each<Query>([
    { page_size: '4' },
    { page_size: '3', sort: 'due_date', order: 'asc' },
    { page_size: '2', status: 'pending,in_progress', sort: 'priority', extra: 'kept' },
    { page_size: '5', sort: 'title', order: 'desc' },
  ])(
    'should page through %j with Link next until the end, losing and repeating nothing',
    async (query) => {
      const seen: number[] = [];
      let url: string | undefined = `${TASKS}?${new URLSearchParams(query).toString()}`;
      let pages = 0;
      let total = -1;
      while (url) {
        const res = await t.http.get(url).set(me.auth).expect(200);
        total = Number(res.headers['x-total-count']);
        seen.push(...(res.body as TaskJson[]).map((task) => task.id));
        const link = res.headers.link;
        const last = Number(new URL(linkUrl(link, 'last')!, 'http://x').searchParams.get('page'));
        expect(last).toBe(Math.max(1, Math.ceil(total / Number(query.page_size))));
        if (pages > 0) expect(linkUrl(link, 'prev')).toBeDefined();
        if (query.extra) expect(linkUrl(link, 'first')).toContain('extra=kept');
        url = linkUrl(link, 'next');
        pages += 1;
        expect(pages).toBeLessThan(50);
      }
      expect(seen).toEqual(expected(query));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toHaveLength(total);
    },
  );

  it('should answer an empty page past the end with first, prev and last links', async () => {
    const res = await t.http
      .get(TASKS)
      .set(me.auth)
      .query({ page: '1000000', page_size: '10' })
      .expect(200);
    expect(res.body).toEqual([]);
    expect(Number(res.headers['x-total-count'])).toBe(visible.length);
    const last = Math.ceil(visible.length / 10);
    expect(linkUrl(res.headers.link, 'prev')).toBe(`${TASKS}?page=${last}&page_size=10`);
    expect(linkUrl(res.headers.link, 'next')).toBeUndefined();
  });

  it('should ignore unknown query parameters', async () => {
    const res = await list({ foo: 'bar', user_id: String(colleague.id), password: 'x' });
    expect(res.ids).toEqual(expected({}));
  });

  it.each<[Query, string]>([
    [{ status: 'done' }, 'status'],
    [{ status: 'pending,' }, 'status'],
    [{ status: '' }, 'status'],
    [{ priority: 'urgent' }, 'priority'],
    [{ assignee_id: 'nobody' }, 'assignee_id'],
    [{ assignee_id: '0' }, 'assignee_id'],
    [{ assignee_id: '99999999999' }, 'assignee_id'],
    [{ scope: 'x' }, 'scope'],
    [{ q: 'x'.repeat(201) }, 'q'],
    [{ due_before: 'yesterday' }, 'due_before'],
    [{ due_after: '2026-13-01T00:00:00Z' }, 'due_after'],
    [{ due_before: '99999-01-01T00:00:00Z' }, 'due_before'],
    [{ overdue: 'maybe' }, 'overdue'],
    [{ sort: 'password' }, 'sort'],
    [{ order: 'up' }, 'order'],
    [{ page: '0' }, 'page'],
    [{ page: '1.5' }, 'page'],
    [{ page: 'abc' }, 'page'],
    [{ page: '99999999999999999999' }, 'page'],
    [{ page_size: '0' }, 'page_size'],
    [{ page_size: '1000' }, 'page_size'],
    [{ page_size: '-1' }, 'page_size'],
  ])('should answer 400 for %j naming %s', async (query, field) => {
    const res = await t.http.get(TASKS).set(me.auth).query(query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
    expect(detailFields(res.body)).toEqual([field]);
  });

  it('should accept repeated parameters as a list and reject arrays where one value is expected', async () => {
    const repeated = await t.http
      .get(`${TASKS}?status=pending&status=completed&page_size=100`)
      .set(me.auth)
      .expect(200);
    expect((repeated.body as TaskJson[]).map((task) => task.id)).toEqual(
      expected({ status: 'pending,completed' }),
    );
    const twice = await t.http.get(`${TASKS}?sort=title&sort=due_date`).set(me.auth).expect(400);
    expect(detailFields(twice.body)).toEqual(['sort']);
  });
});
