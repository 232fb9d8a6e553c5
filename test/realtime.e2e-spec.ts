import { errorBody, signUp } from './helpers/factories';
import type { TestApp } from './helpers/app';
import { shortLivedToken, startListeningApp } from './helpers/realtime';
import { createTask, NO_RATE_LIMITS } from './helpers/tasks';
import { WsClient, wsUrl } from './helpers/ws-client';

const ORIGIN = 'https://app.example.com';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('Real-time updates: the protocol (e2e)', () => {
  let t: TestApp;
  let url: string;
  const clients: WsClient[] = [];

  beforeAll(async () => {
    t = await startListeningApp({
      ...NO_RATE_LIMITS,
      CORS_ORIGINS: ORIGIN,
      WS_AUTH_TIMEOUT: '1s',
      WS_HEARTBEAT_INTERVAL: '500ms',
    });
    url = wsUrl(t);
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await t.close();
  });

  async function open(options: { origin?: string; autoPong?: boolean } = {}): Promise<WsClient> {
    const client = await WsClient.open(url, options);
    clients.push(client);
    return client;
  }

  it('should answer ready with the user id, then pong to ping', async () => {
    const user = await signUp(t.http);
    const client = await open();
    client.send({ type: 'auth', token: user.token });
    expect(await client.next()).toEqual({ type: 'ready', user_id: user.id });
    client.send({ type: 'ping' });
    expect(await client.next()).toEqual({ type: 'pong' });
  });

  it('should deliver the user own task events', async () => {
    const user = await signUp(t.http);
    const client = await open();
    client.send({ type: 'auth', token: user.token });
    await client.next();
    const task = await createTask(t.http, user, { title: 'live' });
    const event = await client.nextEvent('task.created', task.id);
    expect(event).toEqual({
      type: 'event',
      id: expect.stringMatching(/^\d+-\d+$/),
      event: 'task.created',
      created_at: expect.any(String),
      data: { task },
    });
  });

  it.each([
    ['a bad token', { type: 'auth', token: 'not.a.jwt' }],
    ['no token', { type: 'auth' }],
    ['a first message that is not auth', { type: 'ping' }],
    ['a message that is not JSON', 'hello'],
  ])('should close with 4401 on %s', async (_what, message) => {
    const client = await open();
    client.send(message);
    expect((await client.closed).code).toBe(4401);
    expect(client.received).toEqual([]);
  });

  it('should close with 4401 on an expired token', async () => {
    const user = await signUp(t.http);
    const client = await open();
    client.send({ type: 'auth', token: shortLivedToken(user.id, -10) });
    expect((await client.closed).code).toBe(4401);
  });

  it('should close with 4408 when no auth message comes in time', async () => {
    const client = await open();
    expect((await client.closed).code).toBe(4408);
  });

  it('should close with 4401 when the token expires, unless re-authenticated', async () => {
    const user = await signUp(t.http);
    const expiring = await open();
    expiring.send({ type: 'auth', token: shortLivedToken(user.id, 2) });
    expect(await expiring.next()).toEqual({ type: 'ready', user_id: user.id });
    const renewed = await open();
    renewed.send({ type: 'auth', token: shortLivedToken(user.id, 2) });
    await renewed.next();
    renewed.send({ type: 'auth', token: user.token });
    expect(await renewed.next()).toEqual({ type: 'ready', user_id: user.id });

    expect(await expiring.closed).toEqual({ code: 4401, reason: 'token expired' });
    await sleep(500);
    await renewed.sync();
    // Another user's token on an open socket is refused.
    const other = await signUp(t.http);
    renewed.send({ type: 'auth', token: other.token });
    expect((await renewed.closed).code).toBe(4401);
  });

  it('should refuse a browser Origin outside CORS_ORIGINS at the upgrade (403)', async () => {
    await expect(WsClient.open(url, { origin: 'https://evil.example.com' })).rejects.toThrow(
      'upgrade refused: 403',
    );
    const allowed = await open({ origin: ORIGIN });
    const user = await signUp(t.http);
    allowed.send({ type: 'auth', token: user.token });
    expect(await allowed.next()).toEqual({ type: 'ready', user_id: user.id });
  });

  it('should ping every interval and drop a connection that stops answering', async () => {
    const user = await signUp(t.http);
    const live = await open();
    live.send({ type: 'auth', token: user.token });
    await live.next();
    await live.until(() => live.pings >= 3);
    await live.sync();

    const dead = await open({ autoPong: false });
    dead.send({ type: 'auth', token: user.token });
    await dead.next();
    expect((await dead.closed).code).toBe(1006);
    expect(dead.pings).toBeGreaterThanOrEqual(1);
  });

  it('should answer a plain GET (no upgrade) with 400 naming Upgrade', async () => {
    const res = await t.http.get('/api/v1/ws').expect(400);
    expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
    expect(res.body.details).toEqual([{ field: 'Upgrade', message: expect.any(String) }]);
  });

  it('should count connections, events and the fan-out latency in /metrics', async () => {
    const user = await signUp(t.http);
    const client = await open();
    client.send({ type: 'auth', token: user.token });
    await client.next();
    const task = await createTask(t.http, user);
    await client.nextEvent('task.created', task.id);
    const text = (await t.http.get('/metrics').expect(200)).text;
    expect(text).toMatch(/^ws_connections [1-9]\d*$/m);
    expect(text).toMatch(/^ws_events_sent_total\{event="task.created"\} [1-9]\d*$/m);
    expect(text).toMatch(/^ws_fanout_latency_seconds_count [1-9]\d*$/m);
    expect(text).toMatch(/^ws_slow_clients_dropped_total \d+$/m);
  });
});

describe('Real-time updates: shutdown (e2e)', () => {
  it('should close open sockets with 1001 when the instance stops', async () => {
    const t = await startListeningApp(NO_RATE_LIMITS);
    const user = await signUp(t.http);
    const { client } = await WsClient.ready(wsUrl(t), user.token);
    await t.close();
    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
  });
});
