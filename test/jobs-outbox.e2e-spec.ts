import { randomBytes } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './helpers/app';
import { signUp } from './helpers/factories';
import { PrivateRedis } from './helpers/redis';
import { TASKS } from './helpers/tasks';
import { waitFor } from './helpers/wait';

interface OutboxRow {
  id: string;
  event_type: string;
  published_at: Date | null;
  dispatched_at: Date | null;
}

function outboxOf(app: TestApp, taskId: number): Promise<OutboxRow[]> {
  return app.app
    .get(DataSource)
    .query(
      'SELECT id, event_type, published_at, dispatched_at FROM task_events WHERE task_id = ? ORDER BY id',
      [taskId],
    );
}

/** Polls until every event of the task has been published to the queue and dispatched. */
function allDispatched(app: TestApp, taskId: number, count: number): Promise<OutboxRow[]> {
  return waitFor(
    async () => {
      const rows = await outboxOf(app, taskId);
      return rows.length === count && rows.every((r) => r.dispatched_at !== null)
        ? rows
        : undefined;
    },
    { timeoutMs: 15_000, what: `${count} dispatched events of task ${taskId}` },
  );
}

describe('Transactional outbox and event dispatch (e2e)', () => {
  it('should publish and dispatch every task event, in order per task', async () => {
    const t = await startTestApp();
    try {
      const owner = await signUp(t.http);
      const created = await t.http
        .post(TASKS)
        .set(owner.auth)
        .send({ title: '完成项目文档' })
        .expect(201);
      const id = created.body.id as number;
      await t.http
        .patch(`${TASKS}/${id}`)
        .set(owner.auth)
        .send({ status: 'in_progress' })
        .expect(200);
      await t.http
        .patch(`${TASKS}/${id}`)
        .set(owner.auth)
        .send({ status: 'completed' })
        .expect(200);
      await t.http.delete(`${TASKS}/${id}`).set(owner.auth).expect(200);

      const rows = await allDispatched(t, id, 5);
      expect(rows.map((r) => r.event_type)).toEqual([
        'task.created',
        'task.updated',
        'task.updated',
        'task.completed',
        'task.deleted',
      ]);
      const dispatchTimes = rows.map((r) => (r.dispatched_at as Date).getTime());
      expect(dispatchTimes).toEqual([...dispatchTimes].sort((a, b) => a - b));
      const metrics = await t.http.get('/metrics').expect(200);
      expect(metrics.text).toMatch(
        /job_duration_seconds_count\{job="events.dispatch",outcome="completed"\} [1-9]/,
      );
      expect(metrics.text).toMatch(/queue_jobs\{queue="events",state="completed"\} \d+/);
      expect(metrics.text).toMatch(/outbox_lag_seconds \d/);
    } finally {
      await t.close();
    }
  });

  it("should dispatch a burst of one task's events, all of them, in order", async () => {
    const t = await startTestApp();
    try {
      const owner = await signUp(t.http);
      const created = await t.http.post(TASKS).set(owner.auth).send({ title: 'burst' }).expect(201);
      const id = created.body.id as number;
      // Sent at once: the writes queue on the task's row, and their events on its order.
      const edits = 40;
      await Promise.all(
        Array.from({ length: edits }, (_, i) =>
          t.http
            .patch(`${TASKS}/${id}`)
            .set(owner.auth)
            .send({ title: `burst ${i}` })
            .expect(200),
        ),
      );

      const rows = await allDispatched(t, id, edits + 1);
      const dispatchTimes = rows.map((r) => (r.dispatched_at as Date).getTime());
      expect(dispatchTimes).toEqual([...dispatchTimes].sort((a, b) => a - b));
      expect(rows.filter((r) => r.event_type === 'task.updated')).toHaveLength(edits);
    } finally {
      await t.close();
    }
  });

  describe('with Redis down when a task is written', () => {
    let redis: PrivateRedis;
    let t: TestApp;
    let receiver: Server;
    let receiverUrl: string;
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

    beforeAll(async () => {
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        req.on('end', () => {
          received.push({ headers: req.headers, body });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      redis = await PrivateRedis.create();
      t = await startTestApp({
        REDIS_PORT: String(redis.port),
        REDIS_KEY_PREFIX: `${process.env.DB_NAME}:outbox-${randomBytes(3).toString('hex')}:`,
        WEBHOOK_ALLOW_PRIVATE: 'true',
      });
    });

    afterAll(async () => {
      await t.close();
      await redis.kill();
      await new Promise((resolve) => receiver.close(resolve));
    });

    it('should commit the write and deliver its events, and its webhook, once Redis is back', async () => {
      const owner = await signUp(t.http);
      await t.http
        .post('/api/v1/webhooks')
        .set(owner.auth)
        .send({ url: receiverUrl, events: ['task.created'] })
        .expect(201);
      await redis.kill();

      const started = Date.now();
      const created = await t.http
        .post(TASKS)
        .set(owner.auth)
        .send({ title: 'written while Redis is down' });
      expect(created.status).toBe(201);
      expect(Date.now() - started).toBeLessThan(2000);
      const id = created.body.id as number;

      // The event is committed with the task but cannot reach the queue yet.
      const waiting = await outboxOf(t, id);
      expect(waiting.map((r) => [r.event_type, r.published_at])).toEqual([['task.created', null]]);
      const lag = await t.http.get('/metrics').expect(200);
      expect(lag.text).toMatch(/outbox_lag_seconds (0\.\d*[1-9]|[1-9])/);

      await redis.start();
      const rows = await allDispatched(t, id, 1);
      expect(rows[0].published_at).not.toBeNull();
      const delivery = await waitFor(
        () =>
          received.find(
            (r) => (JSON.parse(r.body) as { data: { task: { id: number } } }).data.task.id === id,
          ),
        { timeoutMs: 15_000, what: `the webhook delivery of task ${id}` },
      );
      expect(delivery.headers['x-webhook-event']).toBe('task.created');
    });
  });
});
