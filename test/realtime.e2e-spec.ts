import { signUp } from './helpers/factories';
import type { TestApp } from './helpers/app';
import { startListeningApp, shortLivedToken } from './helpers/realtime';
import { createTask, NO_RATE_LIMITS } from './helpers/tasks';
import { WsClient, wsUrl } from './helpers/ws-client';

const ORIGIN = 'https://app.example.com';

describe('Real-time updates: the protocol (e2e)', () => {
  let t: TestApp;
  let url: string;

  beforeAll(async () => {
    t = await startListeningApp({
      ...NO_RATE_LIMITS,
      CORS_ORIGINS: ORIGIN,
      WS_AUTH_TIMEOUT: '1s',
      WS_HEARTBEAT_INTERVAL: '500ms',
    });
    url = wsUrl(t);
  });

  afterAll(async () => {
    await t.close();
  });

  it('should answer ready with the user id, then pong to ping', async () => {
    const user = await signUp(t.http);
    const { client, ready } = await WsClient.ready(url, user.token);
    expect(ready).toEqual({ type: 'ready', user_id: user.id });
    client.send({ type: 'ping' });
    expect(await client.next()).toEqual({ type: 'pong' });
    client.close();
  });

  it('should deliver the user own task events', async () => {
    const user = await signUp(t.http);
    const { client } = await WsClient.ready(url, user.token);
    const task = await createTask(t.http, user, { title: 'live' });
    const event = await client.nextEvent('task.created', task.id);
    expect(event).toEqual({
      type: 'event',
      id: expect.stringMatching(/^\d+-\d+$/),
      event: 'task.created',
      created_at: expect.any(String),
      data: { task },
    });
    client.close();
  });
});
