import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { TOMBSTONE_VERSION } from '../src/cache/versioned-cache';
import { CachedTask, TASK_CACHE, TaskCache } from '../src/tasks/cache/task-cache';
import { TaskCacheWarmup } from '../src/tasks/cache/task-cache.warmup';
import { startTestApp, TestApp } from './helpers/app';
import { errorBody, Session, signUp } from './helpers/factories';
import { createTask, TASKS, TaskJson } from './helpers/tasks';

/** A key prefix of its own, so no other spec's instance (or its warm-up) fills these entries. */
const PREFIX = `${process.env.DB_NAME}:cache-${randomBytes(4).toString('hex')}:`;

/** Starts an instance on the shared prefix and waits until its warm-up has finished. */
async function startInstance(): Promise<TestApp> {
  const t = await startTestApp({ REDIS_KEY_PREFIX: PREFIX });
  await t.app.get(TaskCacheWarmup).whenDone();
  return t;
}

describe('Task cache across instances (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  let owner: Session;

  beforeAll(async () => {
    // One after the other: startTestApp sets process.env while an instance reads it.
    a = await startInstance();
    b = await startInstance();
    owner = await signUp(a.http);
  });

  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  function get(t: TestApp, who: Session, id: number) {
    return t.http.get(`${TASKS}/${id}`).set(who.auth);
  }

  it('should answer MISS first, then HIT on every instance, with the same body and ETag', async () => {
    const task = await createTask(a.http, owner, { title: 'cached once' });

    const first = await get(a, owner, task.id).expect(200);
    expect(first.headers['x-cache']).toBe('MISS');
    const second = await get(a, owner, task.id).expect(200);
    expect(second.headers['x-cache']).toBe('HIT');
    const other = await get(b, owner, task.id).expect(200);
    expect(other.headers['x-cache']).toBe('HIT');

    for (const res of [first, second, other]) {
      expect(res.body).toEqual(task);
      expect(res.headers.etag).toBe(`"${task.id}-1"`);
    }
  });

  it('should show a PATCH or PUT on one instance at once on the other', async () => {
    const task = await createTask(a.http, owner, { title: 'before' });
    await get(b, owner, task.id).expect(200);
    expect((await get(b, owner, task.id).expect(200)).headers['x-cache']).toBe('HIT');

    const patched = await a.http
      .patch(`${TASKS}/${task.id}`)
      .set(owner.auth)
      .send({ title: 'after patch', priority: 'high' })
      .expect(200);
    const afterPatch = await get(b, owner, task.id).expect(200);
    expect(afterPatch.body).toEqual(patched.body);
    expect(afterPatch.body).toMatchObject({ title: 'after patch', priority: 'high' });
    expect(afterPatch.headers.etag).toBe(`"${task.id}-2"`);
    // Written through by the PATCH, so the other instance answers it from the cache.
    expect(afterPatch.headers['x-cache']).toBe('HIT');

    const put = await b.http
      .put(`${TASKS}/${task.id}`)
      .set(owner.auth)
      .send({ status: 'completed' })
      .expect(200);
    const afterPut = await get(a, owner, task.id).expect(200);
    expect(afterPut.body).toEqual(put.body);
    expect((afterPut.body as TaskJson).completed_at).toEqual(expect.any(String));
    expect(afterPut.headers.etag).toBe(`"${task.id}-3"`);
  });

  it('should move access at once when the task is reassigned or unassigned', async () => {
    const [first, second] = await Promise.all([signUp(a.http), signUp(b.http)]);
    const task = await createTask(a.http, owner, { assignee_id: first.id });
    await get(b, first, task.id).expect(200);
    expect((await get(b, first, task.id).expect(200)).headers['x-cache']).toBe('HIT');

    await a.http
      .patch(`${TASKS}/${task.id}`)
      .set(owner.auth)
      .send({ assignee_id: second.id })
      .expect(200);
    const lost = await get(b, first, task.id).expect(404);
    expect(lost.body).toEqual(errorBody('NOT_FOUND'));
    const gained = await get(b, second, task.id).expect(200);
    expect(gained.body).toMatchObject({ id: task.id, assignee_id: second.id });

    await b.http.patch(`${TASKS}/${task.id}`).set(owner.auth).send({ assignee_id: null });
    await get(a, second, task.id).expect(404);
    await get(b, second, task.id).expect(404);
    await get(a, owner, task.id).expect(200);
  });

  it('should answer 404 on every instance right after a delete, from the tombstone', async () => {
    const task = await createTask(a.http, owner);
    await get(a, owner, task.id).expect(200);
    await get(b, owner, task.id).expect(200);

    await a.http.delete(`${TASKS}/${task.id}`).set(owner.auth).expect(200);
    for (const t of [b, a]) {
      const res = await get(t, owner, task.id).expect(404);
      expect(res.body).toEqual(errorBody('NOT_FOUND'));
    }
    const list = await b.http.get(TASKS).set(owner.auth).query({ page_size: 100 }).expect(200);
    expect((list.body as TaskJson[]).map((t) => t.id)).not.toContain(task.id);
  });

  it('should never serve a cached task to a user who neither owns it nor is assigned to it', async () => {
    const [assignee, stranger] = await Promise.all([signUp(a.http), signUp(b.http)]);
    const task = await createTask(a.http, owner, { assignee_id: assignee.id });

    // Cached by the stranger's own miss, then by the owner's and the assignee's reads.
    await get(a, stranger, task.id).expect(404);
    await get(a, owner, task.id).expect(200);
    expect((await get(b, assignee, task.id).expect(200)).headers['x-cache']).toBe('HIT');

    for (const t of [a, b]) {
      const res = await get(t, stranger, task.id).expect(404);
      expect(res.body).toEqual(errorBody('NOT_FOUND'));
      expect(JSON.stringify(res.body)).not.toContain(task.title);
    }
    // Indistinguishable from an id that does not exist.
    const missing = await get(a, stranger, 4_000_000_000).expect(404);
    expect(missing.body.error).toBe((await get(b, stranger, task.id)).body.error);
  });

  it('should keep lists and stats in step with writes (they are never cached)', async () => {
    const me = await signUp(a.http);
    const task = await createTask(a.http, me, { status: 'pending' });
    await get(b, me, task.id).expect(200);

    await a.http
      .patch(`${TASKS}/${task.id}`)
      .set(me.auth)
      .send({ status: 'completed' })
      .expect(200);
    const list = await b.http.get(TASKS).set(me.auth).expect(200);
    expect(list.body).toEqual([expect.objectContaining({ id: task.id, status: 'completed' })]);
    const stats = await b.http.get(`${TASKS}/stats`).set(me.auth).expect(200);
    expect(stats.body).toMatchObject({ total: 1, by_status: { completed: 1 } });
  });

  it('should count hits and misses in /metrics', async () => {
    const task = await createTask(a.http, owner);
    await get(b, owner, task.id).expect(200);
    await get(b, owner, task.id).expect(200);
    const res = await b.http.get('/metrics').expect(200);
    expect(res.text).toContain('# TYPE cache_requests_total counter');
    expect(res.text).toMatch(/cache_requests_total\{cache="task",result="hit"\} [1-9]/);
    expect(res.text).toMatch(/cache_requests_total\{cache="task",result="miss"\} [1-9]/);
  });

  it('should preload recently updated tasks when an instance starts', async () => {
    const task = await createTask(a.http, owner, { title: 'warm me' });
    const c = await startTestApp({ REDIS_KEY_PREFIX: PREFIX });
    try {
      await expect(c.app.get(TaskCacheWarmup).whenDone()).resolves.toBeGreaterThan(0);
      const res = await get(c, owner, task.id).expect(200);
      expect(res.headers['x-cache']).toBe('HIT');
      expect(res.body).toEqual(task);
    } finally {
      await c.close();
    }
  });

  describe('scripts against Redis', () => {
    let redis: Redis;
    let cache: TaskCache;
    let id = 4_100_000_000 + Math.floor(Math.random() * 1_000_000);

    const value = (title: string): CachedTask => ({
      id,
      title,
      description: '',
      status: 'pending',
      priority: 'medium',
      user_id: 1,
      project_id: 1,
      assignee_id: null,
      label_ids: [],
      due_date: null,
      completed_at: null,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });

    beforeAll(() => {
      cache = a.app.get<TaskCache>(TASK_CACHE);
      redis = new Redis({
        host: process.env.REDIS_HOST ?? '127.0.0.1',
        port: Number(process.env.REDIS_PORT ?? 6379),
      });
    });

    afterAll(() => {
      redis.disconnect();
    });

    beforeEach(() => {
      id += 1;
    });

    async function epoch(): Promise<string> {
      return (await redis.get(`${PREFIX}cache:task:epoch`)) ?? '0';
    }

    it('should keep the newest version against an older fill, with a TTL on the entry', async () => {
      const read = await cache.read(id);
      expect(read).toEqual({ kind: 'miss', epoch: await epoch() });
      await cache.afterWrite(id, value('v3'), 3);
      // A reader that loaded version 2 before the write finishes after it.
      await cache.load(id, await epoch(), () =>
        Promise.resolve({ value: value('v2'), version: 2 }),
      );

      await expect(cache.read(id)).resolves.toEqual({
        kind: 'hit',
        value: value('v3'),
        version: 3,
      });
      // One key per entry, tagged with the epoch it was written in.
      const key = `${PREFIX}cache:task:${id}`;
      expect(await redis.get(key)).toBe(`${await epoch()}|3|${JSON.stringify(value('v3'))}`);
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(260_000);
      expect(ttl).toBeLessThanOrEqual(330_000);
    });

    it('should let nothing overwrite a tombstone', async () => {
      await cache.afterWrite(id, value('v1'), 1);
      await cache.afterWrite(id, null, 0);
      await cache.afterWrite(id, value('v9'), 9);
      await expect(cache.read(id)).resolves.toEqual({ kind: 'deleted' });
      expect(await redis.get(`${PREFIX}cache:task:${id}`)).toBe(
        `${await epoch()}|${TOMBSTONE_VERSION}|`,
      );
    });

    it('should retire every entry when the epoch moves, and refuse fills of the old epoch', async () => {
      await cache.afterWrite(id, value('v1'), 1);
      const before = await epoch();
      await redis.incr(`${PREFIX}cache:task:epoch`);

      await expect(cache.read(id)).resolves.toEqual({ kind: 'miss', epoch: await epoch() });
      await cache.load(id, before, () => Promise.resolve({ value: value('v1'), version: 1 }));
      await expect(cache.read(id)).resolves.toMatchObject({ kind: 'miss' });
    });

    it('should delete an entry of a later epoch that a write tagged with an older one cannot replace', async () => {
      // Another instance bumped the epoch and filled the entry; this one has not read since.
      await cache.read(id);
      const seen = await epoch();
      const later = String(Number(seen) + 1);
      await redis.set(`${PREFIX}cache:task:epoch`, later);
      await redis.set(`${PREFIX}cache:task:${id}`, `${later}|1|${JSON.stringify(value('v1'))}`);

      await cache.afterWrite(id, value('v2'), 2);

      expect(await redis.get(`${PREFIX}cache:task:${id}`)).toBeNull();
      await expect(cache.read(id)).resolves.toEqual({ kind: 'miss', epoch: later });
    });
  });
});
