import { detailFields } from './helpers/bodies';
import { errorBody, Session, signUp } from './helpers/factories';
import { startTestApp, TestApp } from './helpers/app';
import { PrivateRedis } from './helpers/redis';
import { createTask, TASKS, TaskJson } from './helpers/tasks';
import { waitFor } from './helpers/wait';
import { TaskCacheWarmup } from '../src/tasks/cache/task-cache.warmup';

/** The contract's bound: while Redis is down or partitioned, every request answers within 2 s. */
const QUICK_MS = 2000;
const PAUSE_MS = 6000;
const AUTH_LIMIT = 3;
const USER_LIMIT = 20;

jest.setTimeout(60_000);

/** Sends a request and returns the response with how long it took. */
async function timed<T>(send: () => PromiseLike<T>): Promise<{ res: T; ms: number }> {
  const started = Date.now();
  const res = await send();
  return { res, ms: Date.now() - started };
}

describe('When Redis fails (e2e, private redis-server)', () => {
  let redis: PrivateRedis | undefined;
  /** On the machine's shared Redis with generous limits: signs users up outside the test's limits. */
  let setup: TestApp | undefined;
  let a: TestApp | undefined;
  let b: TestApp | undefined;

  beforeAll(async () => {
    redis = await PrivateRedis.create();
    const env = {
      REDIS_PORT: String(redis.port),
      RATE_LIMIT_PER_MINUTE: String(USER_LIMIT),
      RATE_LIMIT_AUTH_PER_MINUTE: String(AUTH_LIMIT),
    };
    // One after the other: startTestApp sets process.env while an instance reads it.
    setup = await startTestApp();
    a = await startTestApp(env);
    b = await startTestApp(env);
    await Promise.all([a, b].map((t) => t.app.get(TaskCacheWarmup).whenDone()));
  });

  afterAll(async () => {
    await Promise.all([setup?.close(), a?.close(), b?.close()]);
    await redis?.kill();
  });

  function get(t: TestApp, who: Session, id: number) {
    return t.http.get(`${TASKS}/${id}`).set(who.auth);
  }

  /** Reads until the cache answers (HIT); every answer on the way must be `expected`. */
  async function readUntilHit(t: TestApp, who: Session, expected: TaskJson): Promise<string[]> {
    const seen: string[] = [];
    await waitFor(
      async () => {
        const res = await get(t, who, expected.id);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(expected);
        seen.push(String(res.headers['x-cache']));
        return res.headers['x-cache'] === 'HIT';
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'a cache hit' },
    );
    return seen;
  }

  it('should serve everything from MySQL within 2 s while Redis is stopped, and resume after', async () => {
    const [owner, other] = await Promise.all([signUp(setup!.http), signUp(setup!.http)]);
    const task = await createTask(a!.http, owner, { title: 'before the outage' });
    await get(a!, owner, task.id).expect(200);
    expect((await get(a!, owner, task.id).expect(200)).headers['x-cache']).toBe('HIT');

    await redis!.kill();
    const ready = await waitFor(
      async () => {
        const res = await timed(() => a!.http.get('/health/ready'));
        expect(res.ms).toBeLessThan(QUICK_MS);
        return res.res.status === 503 ? res.res : undefined;
      },
      { timeoutMs: 5000, intervalMs: 50, what: 'readiness to report Redis down' },
    );
    expect(ready.body).toMatchObject(errorBody('SERVICE_UNAVAILABLE'));
    expect(detailFields(ready.body)).toEqual(['redis']);
    await a!.http.get('/health/live').expect(200);

    const read = await timed(() => get(a!, owner, task.id));
    expect(read.res.status).toBe(200);
    expect(read.res.headers['x-cache']).toBe('MISS');
    expect(read.res.body).toEqual(task);
    expect(read.ms).toBeLessThan(QUICK_MS);

    const patch = await timed(() =>
      a!.http.patch(`${TASKS}/${task.id}`).set(owner.auth).send({ title: 'during the outage' }),
    );
    expect(patch.res.status).toBe(200);
    expect(patch.ms).toBeLessThan(QUICK_MS);
    const updated = patch.res.body as TaskJson;

    for (const t of [a!, b!]) {
      const again = await timed(() => get(t, owner, task.id));
      expect(again.res.status).toBe(200);
      expect(again.res.body).toEqual(updated);
      expect(again.res.headers['x-cache']).toBe('MISS');
      expect(again.ms).toBeLessThan(QUICK_MS);
    }

    const list = await timed(() => a!.http.get(TASKS).set(owner.auth));
    expect(list.res.status).toBe(200);
    expect(list.res.body).toEqual([updated]);
    expect(list.ms).toBeLessThan(QUICK_MS);

    const me = await timed(() => a!.http.get('/api/v1/users/me').set(owner.auth));
    expect(me.res.status).toBe(200);
    expect(me.ms).toBeLessThan(QUICK_MS);

    // Counted in-process now (1 of AUTH_LIMIT).
    const login = await timed(() =>
      a!.http.post('/api/v1/auth/login').send({ email: owner.email, password: owner.password }),
    );
    expect(login.res.status).toBe(200);
    expect(login.ms).toBeLessThan(QUICK_MS);

    // The per-user limit fails open: more requests than the limit, none refused.
    for (let i = 0; i < USER_LIMIT + 2; i += 1) {
      const res = await a!.http.get('/api/v1/users/me').set(other.auth).expect(200);
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    }

    // The auth limit still holds, per instance.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await a!.http
        .post('/api/v1/auth/login')
        .send({ email: owner.email, password: 'not-the-password' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 429]);

    const metrics = await a!.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/cache_requests_total\{cache="task",result="bypass"\} [1-9]/);
    expect(metrics.text).toMatch(
      /rate_limit_storage_failures_total\{limit="user",fallback="fail_open"\} [1-9]/,
    );

    await redis!.start();
    await waitFor(async () => (await a!.http.get('/health/ready')).status === 200, {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'readiness after Redis restarted',
    });
    const seen = await readUntilHit(a!, owner, updated);
    expect(seen[0]).toBe('MISS');
    await readUntilHit(b!, owner, updated);
  });

  it('should never serve the pre-partition value after a write during CLIENT PAUSE', async () => {
    const owner = await signUp(setup!.http);
    await waitFor(async () => (await a!.http.get('/health/ready')).status === 200, {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'readiness',
    });
    const task = await createTask(a!.http, owner, { title: 'before the partition' });
    await get(a!, owner, task.id).expect(200);
    expect((await get(a!, owner, task.id).expect(200)).headers['x-cache']).toBe('HIT');
    expect((await get(b!, owner, task.id).expect(200)).headers['x-cache']).toBe('HIT');

    await redis!.command((c) => c.call('CLIENT', 'PAUSE', String(PAUSE_MS), 'ALL'));
    const pauseEnds = Date.now() + PAUSE_MS;

    const patch = await timed(() =>
      a!.http.patch(`${TASKS}/${task.id}`).set(owner.auth).send({ title: 'during the partition' }),
    );
    expect(patch.res.status).toBe(200);
    expect(patch.ms).toBeLessThan(QUICK_MS);
    const updated = patch.res.body as TaskJson;

    for (const t of [a!, b!]) {
      const during = await timed(() => get(t, owner, task.id));
      expect(during.res.status).toBe(200);
      expect(during.res.body).toEqual(updated);
      expect(during.ms).toBeLessThan(QUICK_MS);
    }
    // Still inside the pause, so the assertions above ran against a paused Redis.
    expect(Date.now()).toBeLessThan(pauseEnds);

    await waitFor(() => redis!.command((c) => c.ping(), 300), {
      timeoutMs: PAUSE_MS + 5000,
      intervalMs: 100,
      what: 'the pause to end',
    });

    // The PATCH's cache update did fail during the pause (so the epoch had to retire entries).
    const metrics = await a!.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/cache_errors_total\{cache="task",operation="invalidate"\} [1-9]/);

    for (const t of [a!, b!]) {
      const after = await get(t, owner, task.id).expect(200);
      expect(after.body).toEqual(updated);
    }
    await readUntilHit(a!, owner, updated);
    await readUntilHit(b!, owner, updated);
  });
});
