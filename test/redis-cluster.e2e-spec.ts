import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { JobsService } from '../src/jobs/jobs.service';
import { DEFAULT_REDELIVERY_OPTIONS } from '../src/jobs/outbox-redelivery';
import { OutboxRedeliveryService } from '../src/tasks/events/outbox-redelivery.service';
import { detailFields } from './helpers/bodies';
import { errorBody, Session, signUp } from './helpers/factories';
import { startTestApp, TestApp } from './helpers/app';
import { exportJson } from './helpers/exports';
import { startListeningApp } from './helpers/realtime';
import { RedisCluster } from './helpers/redis-cluster';
import { createTask, TASKS, TaskJson } from './helpers/tasks';
import { waitFor } from './helpers/wait';
import { WsClient, wsUrl } from './helpers/ws-client';

/** The contract's bound while Redis is down: every request answers within 2 s. */
const QUICK_MS = 2000;
const USER_LIMIT = 25;

jest.setTimeout(90_000);

async function timed<T>(send: () => PromiseLike<T>): Promise<{ res: T; ms: number }> {
  const started = Date.now();
  const res = await send();
  return { res, ms: Date.now() - started };
}

/** Collects webhook deliveries (bodies) on a local port. */
async function startReceiver(): Promise<{ url: string; bodies: string[]; server: Server }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, server };
}

/**
 * The service on a real Redis Cluster (three masters started by the test): cache, rate limits,
 * the job queue (export), webhooks, real-time fan-out between two instances, a lost master
 * behaving as the contract's Redis outage, and an event whose job a restarted master lost
 * queued again by the outbox's redelivery sweep.
 */
describe('Redis Cluster (e2e, REDIS_CLUSTER_NODES, three local masters)', () => {
  let cluster: RedisCluster | undefined;
  let app: TestApp | undefined;
  /** On the cluster with a small per-user limit. */
  let limited: TestApp | undefined;

  beforeAll(async () => {
    cluster = await RedisCluster.create();
    // One after the other: startTestApp sets process.env while an instance reads it. No
    // instance on the shared Redis: its outbox relay would move this database's events there.
    // Listening, for the real-time clients.
    app = await startListeningApp({
      REDIS_CLUSTER_NODES: cluster.nodes,
      WEBHOOK_ALLOW_PRIVATE: 'true',
    });
    limited = await startTestApp({
      REDIS_CLUSTER_NODES: cluster.nodes,
      RATE_LIMIT_PER_MINUTE: String(USER_LIMIT),
      // Its workers share the queues and may run the webhook delivery of the other instance.
      WEBHOOK_ALLOW_PRIVATE: 'true',
    });
  });

  afterAll(async () => {
    await Promise.all([app?.close(), limited?.close()]);
    await cluster?.stop();
  });

  const get = (who: Session, id: number) => app!.http.get(`${TASKS}/${id}`).set(who.auth);

  it('should cache task reads across the masters and never serve a stale one', async () => {
    const owner = await signUp(app!.http);
    const tasks = await Promise.all(
      Array.from({ length: 12 }, (_, i) => createTask(app!.http, owner, { title: `t${i}` })),
    );
    for (const task of tasks) {
      expect((await get(owner, task.id).expect(200)).headers['x-cache']).toBe('MISS');
      // The next read hits (a read that timed out under load skips the cache for a second:
      // then it is a later one), and every answer is the task.
      await waitFor(
        async () => {
          const res = await get(owner, task.id).expect(200);
          expect(res.body).toEqual(task);
          return res.headers['x-cache'] === 'HIT';
        },
        { timeoutMs: 5000, intervalMs: 100, what: `a cache hit of task ${task.id}` },
      );
    }
    // Entries are keys of their own, spread over the cluster, not one hash slot.
    const counts = await cluster!.keyCounts();
    expect(counts.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);

    const patched = await app!.http
      .patch(`${TASKS}/${tasks[0].id}`)
      .set(owner.auth)
      .send({ title: 'renamed' })
      .expect(200);
    const read = await get(owner, tasks[0].id).expect(200);
    expect(read.body).toEqual(patched.body);
    expect(read.headers['x-cache']).toBe('HIT');

    await app!.http.delete(`${TASKS}/${tasks[1].id}`).set(owner.auth).expect(200);
    await get(owner, tasks[1].id).expect(404);
  });

  it('should count the per-user limit in the cluster', async () => {
    const user = await signUp(app!.http);
    const statuses: number[] = [];
    for (let i = 0; i < USER_LIMIT + 2; i += 1) {
      const res = await limited!.http.get('/api/v1/users/me').set(user.auth);
      statuses.push(res.status);
      if (res.status === 200) expect(Number(res.headers['x-ratelimit-limit'])).toBe(USER_LIMIT);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(USER_LIMIT);
    expect(statuses.slice(USER_LIMIT)).toEqual([429, 429]);
  });

  it('should run queued jobs on the cluster: an export and a webhook delivery', async () => {
    const owner = await signUp(app!.http);
    const receiver = await startReceiver();
    try {
      await app!.http
        .post('/api/v1/webhooks')
        .set(owner.auth)
        .send({ url: receiver.url, events: ['task.created'] })
        .expect(201);
      const task = await createTask(app!.http, owner, { title: 'through the queue' });

      const exported = await exportJson(app!.http, owner);
      expect(exported.map((t: TaskJson) => t.id)).toEqual([task.id]);

      await waitFor(() => Promise.resolve(receiver.bodies.length > 0), {
        timeoutMs: 20_000,
        intervalMs: 100,
        what: 'the webhook delivery',
      });
      const delivery = JSON.parse(receiver.bodies[0]) as {
        event: string;
        data: { task: TaskJson };
      };
      expect(delivery.event).toBe('task.created');
      expect(delivery.data.task.id).toBe(task.id);
    } finally {
      receiver.server.closeAllConnections();
      await new Promise((resolve) => receiver.server.close(resolve));
    }
  });

  it('should fan real-time events out through the cluster, and replay them on resume', async () => {
    const user = await signUp(app!.http);
    const url = wsUrl(app!);
    const first = (await WsClient.ready(url, user.token)).client;
    try {
      // Written through the other instance: the event reaches this one's socket by the cluster.
      const created = await limited!.http
        .post(TASKS)
        .set(user.auth)
        .send({ title: 'on the cluster' })
        .expect(201);
      const event = await first.nextEvent('task.created', created.body.id);
      expect((event.data?.task as TaskJson).title).toBe('on the cluster');
      first.close();
      for (const title of ['missed 1', 'missed 2']) {
        await limited!.http
          .patch(`${TASKS}/${created.body.id}`)
          .set(user.auth)
          .send({ title })
          .expect(200);
      }
      const second = (await WsClient.ready(url, user.token, event.id)).client;
      try {
        await second.next((m) => (m.data?.task as TaskJson | undefined)?.title === 'missed 2');
        expect(
          second
            .events()
            .filter((e) => e.event === 'task.updated')
            .map((e) => (e.data?.task as TaskJson).title),
        ).toEqual(['missed 1', 'missed 2']);
      } finally {
        second.close();
      }
    } finally {
      first.close();
    }
  });

  it('should treat a lost master as a Redis outage: quick answers, writes kept, readiness 503, recovery', async () => {
    const owner = await signUp(app!.http);
    const task = await createTask(app!.http, owner, { title: 'before the outage' });
    await get(owner, task.id).expect(200);
    expect((await get(owner, task.id).expect(200)).headers['x-cache']).toBe('HIT');

    const lost = cluster!.ports[0];
    await cluster!.kill(lost);
    const ready = await waitFor(
      async () => {
        const res = await timed(() => app!.http.get('/health/ready'));
        expect(res.ms).toBeLessThan(QUICK_MS);
        return res.res.status === 503 ? res.res : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'readiness to report Redis down' },
    );
    expect(ready.body).toMatchObject(errorBody('SERVICE_UNAVAILABLE'));
    expect(detailFields(ready.body)).toEqual(['redis']);

    const patch = await timed(() =>
      app!.http.patch(`${TASKS}/${task.id}`).set(owner.auth).send({ title: 'during the outage' }),
    );
    expect(patch.res.status).toBe(200);
    expect(patch.ms).toBeLessThan(QUICK_MS);
    const updated = patch.res.body as TaskJson;
    for (let i = 0; i < 3; i += 1) {
      const read = await timed(() => get(owner, task.id));
      expect(read.res.status).toBe(200);
      expect(read.res.body).toEqual(updated);
      expect(read.ms).toBeLessThan(QUICK_MS);
    }
    const list = await timed(() => app!.http.get(TASKS).set(owner.auth));
    expect(list.res.status).toBe(200);
    expect(list.res.body).toEqual([updated]);
    expect(list.ms).toBeLessThan(QUICK_MS);

    // Back (empty, as after a crash): no restart of the service, and the write made during the
    // outage is what every read sees, until the cache answers again.
    await cluster!.restart(lost);
    await waitFor(async () => (await app!.http.get('/health/ready')).status === 200, {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: 'readiness to recover',
    });
    await waitFor(
      async () => {
        const res = await get(owner, task.id);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(updated);
        return res.headers['x-cache'] === 'HIT';
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'a cache hit after recovery' },
    );
    const created = await createTask(app!.http, owner, { title: 'after the outage' });
    await get(owner, created.id).expect(200);
  });

  it("should queue again an event whose job was lost with the queues' master", async () => {
    const owner = await signUp(app!.http);
    const events = app!.app.get(JobsService).queue('events');
    // No worker takes the job before the master loses it.
    await events.pause();
    const task = await createTask(app!.http, owner, { title: 'lost with its master' });
    const outbox = app!.app.get(DataSource);
    const eventsOfTask = (): Promise<
      Array<{ id: string; published_at: Date | null; dispatched_at: Date | null }>
    > =>
      outbox.query('SELECT id, published_at, dispatched_at FROM task_events WHERE task_id = ?', [
        task.id,
      ]);
    const [published] = await waitFor(
      async () => {
        const rows = await eventsOfTask();
        return rows.every((row) => row.published_at) ? rows : undefined;
      },
      { timeoutMs: 10_000, what: `the published event of task ${task.id}` },
    );
    const jobId = `event-${published.id}`;
    expect((await app!.app.get(JobsService).getJob('events', jobId))?.id).toBe(jobId);

    // The master of the queues' hash tag comes back empty: the job, and the pause, are gone.
    const master = await cluster!.masterOf(events.toKey('meta'));
    await cluster!.kill(master);
    await cluster!.restart(master);
    await waitFor(
      async () => (await app!.app.get(JobsService).getJob('events', jobId)) === undefined,
      { timeoutMs: 20_000, intervalMs: 200, what: `the queue to answer that ${jobId} is gone` },
    );
    const sweep = app!.app.get(OutboxRedeliveryService);
    const pastGrace = (): Date => new Date(Date.now() + DEFAULT_REDELIVERY_OPTIONS.graceMs + 1000);
    await waitFor(async () => (await sweep.sweep(pastGrace())).redelivered > 0, {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: 'a sweep that queues the lost event again',
    });
    const [dispatched] = await waitFor(
      async () => {
        const rows = await eventsOfTask();
        return rows.every((row) => row.dispatched_at) ? rows : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: `the dispatch of task ${task.id}'s event` },
    );
    expect(dispatched.published_at!.getTime()).toBeGreaterThan(published.published_at!.getTime());
  });
});
