import { ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { verifyStandardWebhook, verifyWebhookSignature } from '../src/webhooks/webhook-signature';
import { startTestApp, TestApp } from './helpers/app';
import { errorBody, Session, signUp } from './helpers/factories';
import { ensureBuilt, ROOT } from './helpers/server';
import { TASKS } from './helpers/tasks';
import { waitFor } from './helpers/wait';
import { baseConnection } from './setup/test-env';

const WEBHOOKS = '/api/v1/webhooks';
const WORKER_JS = join(ROOT, 'dist', 'worker.js');

/**
 * This spec has its own database and queue prefix: deliveries go to 127.0.0.1, so no app of
 * another spec (with private targets refused) may dispatch its events.
 */
const DB_NAME = `${process.env.DB_NAME}_wh`;
const BASE_ENV = {
  DB_NAME,
  REDIS_KEY_PREFIX: `${process.env.DB_NAME}:wh-${randomBytes(3).toString('hex')}:`,
  JOB_BACKOFF_MS: '100',
};
const PRIVATE_OK = { ...BASE_ENV, WEBHOOK_ALLOW_PRIVATE: 'true' };

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** Date.now() when the request ended. */
  receivedAt: number;
}

type Responder = (request: Received, res: ServerResponse, index: number) => void;

/** A local webhook receiver: records every request and answers through `respond`. */
class Receiver {
  readonly requests: Received[] = [];
  private readonly server: Server;

  private constructor(private readonly respond: Responder) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const received = {
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
        };
        this.requests.push(received);
        this.respond(received, res, this.requests.length - 1);
      });
    });
  }

  static async start(respond: Responder = (_req, res) => res.end('ok')): Promise<Receiver> {
    const receiver = new Receiver(respond);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

interface DeliveryJson {
  id: string;
  event: string;
  status: string;
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

async function createWebhook(
  t: TestApp,
  user: Session,
  body: Record<string, unknown>,
): Promise<{ id: number; secret: string }> {
  const res = await t.http.post(WEBHOOKS).set(user.auth).send(body).expect(201);
  return res.body as { id: number; secret: string };
}

async function deliveriesOf(t: TestApp, user: Session, webhookId: number): Promise<DeliveryJson[]> {
  const res = await t.http.get(`${WEBHOOKS}/${webhookId}/deliveries`).set(user.auth).expect(200);
  return res.body as DeliveryJson[];
}

/** Polls the delivery log until `done` holds for it. */
function waitForDeliveries(
  t: TestApp,
  user: Session,
  webhookId: number,
  done: (deliveries: DeliveryJson[]) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<DeliveryJson[]> {
  return waitFor(
    async () => {
      const deliveries = await deliveriesOf(t, user, webhookId);
      return done(deliveries) ? deliveries : undefined;
    },
    { timeoutMs, intervalMs: 100, what },
  );
}

/** Polls until every event of the task has been dispatched to its consumers. */
function eventsDispatched(t: TestApp, taskId: number): Promise<true> {
  return waitFor(
    async () => {
      const rows = await t.app
        .get(DataSource)
        .query<Array<{ dispatched_at: Date | null }>>(
          'SELECT dispatched_at FROM task_events WHERE task_id = ?',
          [taskId],
        );
      return rows.length > 0 && rows.every((row) => row.dispatched_at !== null);
    },
    { timeoutMs: 20_000, intervalMs: 100, what: `the events of task ${taskId} to be dispatched` },
  );
}

async function createTask(
  t: TestApp,
  user: Session,
  body: Record<string, unknown> = {},
): Promise<number> {
  const res = await t.http
    .post(TASKS)
    .set(user.auth)
    .send({ title: `webhook task ${randomBytes(3).toString('hex')}`, ...body })
    .expect(201);
  return res.body.id as number;
}

afterAll(async () => {
  const connection = await createConnection(baseConnection());
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${DB_NAME}\``);
  } finally {
    await connection.end();
  }
});

describe('Webhooks (e2e)', () => {
  describe('with workers in the app', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp(PRIVATE_OK);
    });

    afterAll(async () => {
      await t.close();
    });

    it('should create, list, and delete webhooks, only for their owner', async () => {
      const owner = await signUp(t.http);
      const stranger = await signUp(t.http);
      const created = await t.http
        .post(WEBHOOKS)
        .set(owner.auth)
        .send({ url: 'https://example.com/hooks/tasks', events: ['task.created', 'task.due_soon'] })
        .expect(201);
      expect(Object.keys(created.body).sort()).toEqual([
        'created_at',
        'events',
        'id',
        'secret',
        'url',
      ]);
      expect(created.body).toMatchObject({
        id: expect.any(Number),
        url: 'https://example.com/hooks/tasks',
        events: ['task.created', 'task.due_soon'],
        secret: expect.stringMatching(/^whsec_[0-9a-f]{64}$/),
      });
      expect(Date.parse(created.body.created_at as string)).not.toBeNaN();
      const id = created.body.id as number;

      const own = await createWebhook(t, owner, {
        url: 'http://example.com/other',
        events: ['task.deleted'],
        secret: 'my-own-secret-0123456789',
      });
      expect(own.secret).toBe('my-own-secret-0123456789');

      const list = await t.http.get(WEBHOOKS).set(owner.auth).expect(200);
      expect(list.body).toEqual([
        {
          id,
          url: 'https://example.com/hooks/tasks',
          events: ['task.created', 'task.due_soon'],
          active: true,
          disabled_reason: null,
          consecutive_failures: 0,
          created_at: created.body.created_at,
        },
        expect.objectContaining({ id: own.id, events: ['task.deleted'] }),
      ]);
      expect(JSON.stringify(list.body)).not.toContain('secret');

      // Another user sees none of it and changes nothing.
      await t.http.get(WEBHOOKS).set(stranger.auth).expect(200, []);
      for (const res of [
        await t.http.get(`${WEBHOOKS}/${id}/deliveries`).set(stranger.auth),
        await t.http.delete(`${WEBHOOKS}/${id}`).set(stranger.auth),
        await t.http.patch(`${WEBHOOKS}/${id}`).set(stranger.auth).send({ active: false }),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject(errorBody('NOT_FOUND'));
      }
      await t.http.get(`${WEBHOOKS}/${id}/deliveries`).set(owner.auth).expect(200, []);

      await t.http.delete(`${WEBHOOKS}/${id}`).set(owner.auth).expect(204);
      await t.http.delete(`${WEBHOOKS}/${id}`).set(owner.auth).expect(404);
      const after = await t.http.get(WEBHOOKS).set(owner.auth).expect(200);
      expect((after.body as Array<{ id: number }>).map((w) => w.id)).toEqual([own.id]);
      await t.http.get(WEBHOOKS).expect(401);
    });

    it.each([
      [{ url: 'https://example.com/h', events: [] }, 'events'],
      [{ url: 'https://example.com/h', events: ['task.nope'] }, 'events'],
      [{ url: 'https://example.com/h', events: ['task.created', 'task.created'] }, 'events'],
      [{ url: 'https://example.com/h' }, 'events'],
      [{ url: 'ftp://example.com/h', events: ['task.created'] }, 'url'],
      [{ url: 'not a url', events: ['task.created'] }, 'url'],
      [{ url: 'https://u:p@example.com/h', events: ['task.created'] }, 'url'],
      [{ events: ['task.created'] }, 'url'],
      [{ url: 'https://example.com/h', events: ['task.created'], secret: 'short' }, 'secret'],
      [{ url: 'https://example.com/h', events: ['task.created'], id: 5 }, 'id'],
    ])('should refuse the invalid body %j naming %s', async (body, field) => {
      const user = await signUp(t.http);
      const res = await t.http.post(WEBHOOKS).set(user.auth).send(body).expect(400);
      expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect((res.body.details as Array<{ field: string }>).map((d) => d.field)).toContain(field);
      await t.http.get(WEBHOOKS).set(user.auth).expect(200, []);
    });

    it('should sign deliveries and retry with the same delivery id and body', async () => {
      const receiver = await Receiver.start((_req, res, index) => {
        res.statusCode = index < 2 ? 500 : 200;
        // The first failure answers late, so the retry starts in a later second and must
        // carry a later webhook-timestamp.
        setTimeout(() => res.end(), index === 0 ? 1100 : 0);
      });
      try {
        const owner = await signUp(t.http);
        const webhook = await createWebhook(t, owner, {
          url: receiver.url,
          events: ['task.created'],
        });
        const taskId = await createTask(t, owner, { priority: 'high' });

        const [log] = await waitForDeliveries(
          t,
          owner,
          webhook.id,
          (d) => d.length === 1 && d[0].status === 'delivered',
          'the delivery to succeed on the third attempt',
        );
        expect(receiver.requests).toHaveLength(3);
        const [first] = receiver.requests;
        for (const request of receiver.requests) {
          expect(request.headers['content-type']).toBe('application/json');
          expect(request.headers['x-webhook-event']).toBe('task.created');
          expect(request.headers['x-webhook-delivery']).toBe(log.id);
          expect(request.body).toBe(first.body);
          const signature = request.headers['x-webhook-signature'] as string;
          expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
          expect(verifyWebhookSignature(webhook.secret, request.body, signature)).toBe(true);
          expect(verifyWebhookSignature('another-secret-123456', request.body, signature)).toBe(
            false,
          );
          expect(signature).toBe(
            `sha256=${createHmac('sha256', webhook.secret).update(request.body).digest('hex')}`,
          );

          // Standard Webhooks: the same id on every attempt, this attempt's time, signed with it.
          expect(request.headers['webhook-id']).toBe(log.id);
          const timestamp = request.headers['webhook-timestamp'] as string;
          expect(timestamp).toMatch(/^\d{10}$/);
          expect(Math.abs(request.receivedAt - Number(timestamp) * 1000)).toBeLessThan(5000);
          const standard = {
            id: log.id,
            timestamp,
            signature: request.headers['webhook-signature'] as string,
          };
          const mac = createHmac('sha256', webhook.secret)
            .update(`${log.id}.${timestamp}.${request.body}`)
            .digest('base64');
          expect(standard.signature).toBe(`v1,${mac}`);
          expect(
            verifyStandardWebhook(webhook.secret, request.body, standard, request.receivedAt),
          ).toBe(true);
          // The same request replayed more than 5 minutes later is refused.
          const replayedAt = request.receivedAt + 5 * 60_000 + 2000;
          expect(verifyStandardWebhook(webhook.secret, request.body, standard, replayedAt)).toBe(
            false,
          );
        }
        const timestamps = receiver.requests.map((r) => Number(r.headers['webhook-timestamp']));
        expect(timestamps[1]).toBeGreaterThan(timestamps[0]);
        expect(timestamps[2]).toBeGreaterThanOrEqual(timestamps[1]);
        expect(receiver.requests[1].headers['webhook-signature']).not.toBe(
          first.headers['webhook-signature'],
        );
        const payload = JSON.parse(first.body) as {
          id: string;
          event: string;
          created_at: string;
          data: { task: Record<string, unknown> };
        };
        expect(payload).toEqual({
          id: log.id,
          event: 'task.created',
          created_at: log.created_at,
          data: {
            task: expect.objectContaining({ id: taskId, user_id: owner.id, priority: 'high' }),
          },
        });
        expect(log).toEqual({
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          event: 'task.created',
          status: 'delivered',
          attempts: 3,
          response_status: 200,
          last_error: null,
          created_at: expect.any(String),
          delivered_at: expect.any(String),
        });
        expect(Date.parse(log.delivered_at as string)).toBeGreaterThanOrEqual(
          Date.parse(log.created_at),
        );
      } finally {
        await receiver.close();
      }
    });

    it('should deliver only events of tasks the webhook owner can see', async () => {
      const receivers = {
        owner: await Receiver.start(),
        assignee: await Receiver.start(),
        stranger: await Receiver.start(),
      };
      try {
        const owner = await signUp(t.http);
        const assignee = await signUp(t.http);
        const stranger = await signUp(t.http);
        const all = [
          'task.created',
          'task.updated',
          'task.deleted',
          'task.assigned',
          'task.completed',
        ];
        const ownerHook = await createWebhook(t, owner, {
          url: receivers.owner.url,
          events: ['task.completed'],
        });
        const assigneeHook = await createWebhook(t, assignee, {
          url: receivers.assignee.url,
          events: ['task.assigned', 'task.deleted'],
        });
        const strangerHook = await createWebhook(t, stranger, {
          url: receivers.stranger.url,
          events: all,
        });

        const taskId = await createTask(t, owner, { assignee_id: assignee.id });
        await t.http
          .patch(`${TASKS}/${taskId}`)
          .set(owner.auth)
          .send({ status: 'completed' })
          .expect(200);
        await t.http.delete(`${TASKS}/${taskId}`).set(owner.auth).expect(200);
        await eventsDispatched(t, taskId);

        const assigneeLog = await waitForDeliveries(
          t,
          assignee,
          assigneeHook.id,
          (d) => d.length === 2 && d.every((x) => x.status === 'delivered'),
          "the assignee's two deliveries",
        );
        // Newest first.
        expect(assigneeLog.map((d) => d.event)).toEqual(['task.deleted', 'task.assigned']);
        const ownerLog = await waitForDeliveries(
          t,
          owner,
          ownerHook.id,
          (d) => d.length === 1 && d[0].status === 'delivered',
          "the owner's delivery",
        );
        expect(ownerLog[0].event).toBe('task.completed');
        // In order per task: the assignee's receiver saw the assignment before the deletion.
        expect(receivers.assignee.requests.map((r) => r.headers['x-webhook-event'])).toEqual([
          'task.assigned',
          'task.deleted',
        ]);
        const deleted = JSON.parse(receivers.assignee.requests[1].body) as {
          data: { task: { id: number } };
        };
        expect(deleted.data.task.id).toBe(taskId);

        await t.http
          .get(`${WEBHOOKS}/${strangerHook.id}/deliveries`)
          .set(stranger.auth)
          .expect(200, []);
        expect(receivers.stranger.requests).toHaveLength(0);
      } finally {
        await Promise.all(Object.values(receivers).map((r) => r.close()));
      }
    });
  });

  describe('with one attempt per delivery', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ ...PRIVATE_OK, JOB_ATTEMPTS: '1' });
    });

    afterAll(async () => {
      await t.close();
    });

    it('should disable a webhook after 5 consecutive failed deliveries and re-enable it', async () => {
      let healthy = false;
      const receiver = await Receiver.start((_req, res) => {
        res.statusCode = healthy ? 204 : 500;
        res.end();
      });
      try {
        const owner = await signUp(t.http);
        const webhook = await createWebhook(t, owner, {
          url: receiver.url,
          events: ['task.created'],
        });
        for (let i = 0; i < 5; i += 1) await createTask(t, owner);

        const failed = await waitForDeliveries(
          t,
          owner,
          webhook.id,
          (d) => d.length === 5 && d.every((x) => x.status === 'failed'),
          'five failed deliveries',
        );
        for (const delivery of failed) {
          expect(delivery).toMatchObject({
            event: 'task.created',
            attempts: 1,
            response_status: 500,
            last_error: 'HTTP 500',
            delivered_at: null,
          });
        }
        const times = failed.map((d) => Date.parse(d.created_at));
        expect(times).toEqual([...times].sort((a, b) => b - a));
        const listed = await t.http.get(WEBHOOKS).set(owner.auth).expect(200);
        expect(listed.body).toEqual([
          expect.objectContaining({
            id: webhook.id,
            active: false,
            consecutive_failures: 5,
            disabled_reason: 'disabled after 5 consecutive failed deliveries',
          }),
        ]);

        // Disabled: a new event produces no delivery at all.
        const ignored = await createTask(t, owner);
        await eventsDispatched(t, ignored);
        expect(await deliveriesOf(t, owner, webhook.id)).toHaveLength(5);
        expect(receiver.requests).toHaveLength(5);

        healthy = true;
        const enabled = await t.http
          .patch(`${WEBHOOKS}/${webhook.id}`)
          .set(owner.auth)
          .send({ active: true })
          .expect(200);
        expect(enabled.body).toMatchObject({
          id: webhook.id,
          active: true,
          consecutive_failures: 0,
          disabled_reason: null,
        });
        await t.http
          .patch(`${WEBHOOKS}/${webhook.id}`)
          .set(owner.auth)
          .send({ active: 'yes' })
          .expect(400);
        await createTask(t, owner);
        const log = await waitForDeliveries(
          t,
          owner,
          webhook.id,
          (d) => d.length === 6 && d[0].status === 'delivered',
          'a delivery after re-enabling',
        );
        expect(log[0]).toMatchObject({ attempts: 1, response_status: 204, last_error: null });
      } finally {
        await receiver.close();
      }
    });
  });

  describe('with private targets refused (WEBHOOK_ALLOW_PRIVATE=false)', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ ...BASE_ENV, WEBHOOK_ALLOW_PRIVATE: 'false' });
    });

    afterAll(async () => {
      await t.close();
    });

    it.each([
      'http://127.0.0.1/hook',
      'http://localhost:8080/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/hook',
      'http://10.0.0.1/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'https://[fd00:ec2::254]/',
      'http://100.64.1.1/',
    ])('should refuse to register %s', async (url) => {
      const user = await signUp(t.http);
      const res = await t.http
        .post(WEBHOOKS)
        .set(user.auth)
        .send({ url, events: ['task.created'] })
        .expect(400);
      expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(res.body.details).toEqual([
        {
          field: 'url',
          message: expect.stringMatching(
            /resolves to .*address; webhooks only call public addresses/,
          ),
        },
      ]);
      await t.http.get(WEBHOOKS).set(user.auth).expect(200, []);
    });

    it('should refuse a target that became private after registration, at delivery time', async () => {
      const receiver = await Receiver.start();
      try {
        const owner = await signUp(t.http);
        // As if the host resolved to a public address when it was registered.
        const now = new Date();
        const inserted = await t.app.get(DataSource).query<{ insertId: number }>(
          `INSERT INTO webhooks (user_id, url, events, secret, active, consecutive_failures, created_at, updated_at)
           VALUES (?, ?, 'task.created', 'whsec_rebound-secret-0000', 1, 0, ?, ?)`,
          [owner.id, receiver.url, now, now],
        );
        const webhookId = inserted.insertId;
        await createTask(t, owner);
        const [delivery] = await waitForDeliveries(
          t,
          owner,
          webhookId,
          (d) => d.length === 1 && d[0].status === 'failed',
          'the refused delivery',
        );
        expect(delivery).toMatchObject({
          attempts: 1,
          response_status: null,
          last_error:
            'refused: host 127.0.0.1 resolves to 127.0.0.1, a loopback address; webhooks only call public addresses',
        });
        expect(receiver.requests).toHaveLength(0);
      } finally {
        await receiver.close();
      }
    });
  });

  describe('with separate worker processes', () => {
    let t: TestApp;
    const children: ChildProcess[] = [];

    /** Runs `node dist/worker.js` against this spec's database and queues. */
    function spawnWorker(): { child: ChildProcess; exited: Promise<number | string> } {
      const cwd = mkdtempSync(join(tmpdir(), 'task-worker-'));
      const child = spawn(process.execPath, [WORKER_JS], {
        cwd,
        env: {
          ...process.env,
          ...PRIVATE_OK,
          JWT_SECRET: process.env.JWT_SECRET,
          JOB_LOCK_DURATION_MS: '2000',
          JOB_STALLED_INTERVAL_MS: '1000',
          LOG_LEVEL: 'silent',
        },
        stdio: 'ignore',
      });
      children.push(child);
      const exited = new Promise<number | string>((resolve) =>
        child.once('exit', (code, signal) => {
          rmSync(cwd, { recursive: true, force: true });
          resolve(code ?? signal ?? 'unknown');
        }),
      );
      return { child, exited };
    }

    beforeAll(async () => {
      ensureBuilt();
      t = await startTestApp({ ...PRIVATE_OK, RUN_WORKERS: 'false' });
    }, 180_000);

    afterAll(async () => {
      for (const child of children) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      await t.close();
    });

    it('should finish a delivery whose worker was SIGKILLed, through another worker', async () => {
      const receiver = await Receiver.start((_req, res, index) => {
        // The first request is held open: its worker dies while waiting for the answer.
        if (index > 0) res.end('ok');
      });
      try {
        const owner = await signUp(t.http);
        const webhook = await createWebhook(t, owner, {
          url: receiver.url,
          events: ['task.created'],
        });
        const first = spawnWorker();
        await createTask(t, owner);
        await waitFor(() => receiver.requests.length === 1, {
          timeoutMs: 30_000,
          what: 'the first worker to send the delivery',
        });
        first.child.kill('SIGKILL');
        expect(await first.exited).toBe('SIGKILL');

        const second = spawnWorker();
        const [delivery] = await waitForDeliveries(
          t,
          owner,
          webhook.id,
          (d) => d.length === 1 && d[0].status === 'delivered',
          'the second worker to deliver',
          40_000,
        );
        expect(receiver.requests.length).toBeGreaterThanOrEqual(2);
        for (const request of receiver.requests) {
          expect(request.headers['x-webhook-delivery']).toBe(delivery.id);
          expect(request.body).toBe(receiver.requests[0].body);
        }
        expect(delivery).toMatchObject({ response_status: 200, last_error: null });
        second.child.kill('SIGTERM');
        expect(await second.exited).toBe(0);
      } finally {
        await receiver.close();
      }
    }, 90_000);

    it('should let an active delivery finish on SIGTERM and exit 0', async () => {
      let arrived: () => void = () => undefined;
      const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
      const receiver = await Receiver.start((_req, res) => {
        arrived();
        setTimeout(() => res.end('ok'), 1000);
      });
      try {
        const owner = await signUp(t.http);
        const webhook = await createWebhook(t, owner, {
          url: receiver.url,
          events: ['task.created'],
        });
        const worker = spawnWorker();
        await createTask(t, owner);
        await requestArrived;
        const stoppedAt = Date.now();
        worker.child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const code = await Promise.race([
          worker.exited,
          new Promise((resolve) => {
            timer = setTimeout(() => resolve('still running after 30 s'), 30_000);
          }),
        ]);
        clearTimeout(timer);
        expect(code).toBe(0);
        expect(Date.now() - stoppedAt).toBeLessThan(30_000);
        const [delivery] = await deliveriesOf(t, owner, webhook.id);
        expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, response_status: 200 });
        expect(receiver.requests).toHaveLength(1);
      } finally {
        await receiver.close();
      }
    }, 90_000);
  });
});
