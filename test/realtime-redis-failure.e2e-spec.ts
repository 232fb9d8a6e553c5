import Redis from 'ioredis';
import type { TestApp } from './helpers/app';
import { signUp } from './helpers/factories';
import { startListeningApp } from './helpers/realtime';
import { createTask, NO_RATE_LIMITS, TASKS, TaskJson } from './helpers/tasks';
import { TcpProxy } from './helpers/tcp-proxy';
import { waitFor } from './helpers/wait';
import { WsClient, wsUrl } from './helpers/ws-client';

jest.setTimeout(60_000);

/**
 * Instance A reaches the shared Redis through a proxy the test cuts; instance B reaches it
 * directly and makes the changes. A's sockets must stay open through the outage and, once Redis
 * is back, get what they missed, or `resync` when the stream no longer holds it.
 */
describe('Real-time updates when Redis fails on the socket instance (e2e)', () => {
  let proxy: TcpProxy;
  let a: TestApp;
  let b: TestApp;
  const clients: WsClient[] = [];

  beforeAll(async () => {
    proxy = await TcpProxy.start(Number(process.env.REDIS_PORT ?? 6379));
    a = await startListeningApp({ ...NO_RATE_LIMITS, REDIS_PORT: String(proxy.port) });
    b = await startListeningApp(NO_RATE_LIMITS);
  });

  afterEach(() => {
    proxy.restore();
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await proxy.close();
  });

  async function connect(t: TestApp, token: string): Promise<WsClient> {
    const { client } = await WsClient.ready(wsUrl(t), token);
    clients.push(client);
    return client;
  }

  function rename(user: { auth: Record<string, string> }, id: number, title: string): Promise<TaskJson> {
    return b.http
      .patch(`${TASKS}/${id}`)
      .set(user.auth)
      .send({ title })
      .expect(200)
      .then((res) => res.body as TaskJson);
  }

  /** Cuts A off Redis and waits until A's readiness says so. */
  async function cutOffA(): Promise<void> {
    proxy.cutOff();
    await waitFor(async () => (await a.http.get('/health/ready')).status === 503, {
      timeoutMs: 10_000,
      what: "A's readiness to report Redis down",
    });
  }

  it('should keep sockets open and deliver the missed events once Redis is back', async () => {
    const user = await signUp(b.http);
    const task = await createTask(b.http, user);
    const [onA, onB] = await Promise.all([connect(a, user.token), connect(b, user.token)]);
    await onA.nextEvent('task.created', task.id);

    await cutOffA();
    await rename(user, task.id, 'during the outage');
    await onB.next((m) => (m.data?.task as TaskJson)?.title === 'during the outage');
    // A's socket is still open and answering.
    await onA.sync();

    proxy.restore();
    const missed = await onA.next(
      (m) => (m.data?.task as TaskJson)?.title === 'during the outage',
      20_000,
    );
    expect(missed).toEqual(onB.events().at(-1));
    expect(onA.received.some((m) => m.type === 'resync')).toBe(false);
  });

  it('should send resync when what was missed is no longer in the stream', async () => {
    const user = await signUp(b.http);
    const task = await createTask(b.http, user);
    const [onA, onB] = await Promise.all([connect(a, user.token), connect(b, user.token)]);
    await onA.nextEvent('task.created', task.id);

    await cutOffA();
    await rename(user, task.id, 'lost');
    const lost = await onB.next((m) => (m.data?.task as TaskJson)?.title === 'lost');
    // The outage outlasted the retention: the stream was trimmed past A's position.
    const redis = new Redis({
      host: '127.0.0.1',
      port: Number(process.env.REDIS_PORT ?? 6379),
      keyPrefix: process.env.REDIS_KEY_PREFIX,
    });
    try {
      const [m, s] = lost.id!.split('-').map(Number);
      await redis.xtrim('{realtime}:events', 'MINID', `${m}-${s + 1}`);
    } finally {
      redis.disconnect();
    }
    await onA.sync();

    proxy.restore();
    expect(await onA.next((m) => m.type === 'resync', 20_000)).toEqual({ type: 'resync' });
    // And the live feed goes on afterwards.
    await rename(user, task.id, 'after');
    await onA.next((m) => (m.data?.task as TaskJson)?.title === 'after', 20_000);
    expect(onA.events().some((m) => (m.data?.task as TaskJson)?.title === 'lost')).toBe(false);
  });
});
