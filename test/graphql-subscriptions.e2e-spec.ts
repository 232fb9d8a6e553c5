import { Client, createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import type { TestApp } from './helpers/app';
import { createAccessToken } from './helpers/access-tokens';
import { Session, signUp } from './helpers/factories';
import { gqlRequest } from './helpers/graphql';
import { newTeam, Team } from './helpers/projects';
import { startListeningApp } from './helpers/realtime';
import { createTask, NO_RATE_LIMITS } from './helpers/tasks';

interface Received {
  event: string;
  taskId: number | null;
  task: { id: number; title: string; assignee: { username: string } | null } | null;
}

/** A graphql-ws subscription to `taskEvents` that keeps what it receives. */
class Subscriber {
  readonly events: Received[] = [];
  readonly errors: unknown[] = [];
  private stop: () => void = () => undefined;

  constructor(readonly client: Client) {}

  start(projectIds?: number[]): this {
    this.stop = this.client.subscribe<{ taskEvents: Received }>(
      {
        query: `subscription($p: [Int!]) { taskEvents(projectIds: $p) { event taskId task { id title assignee { username } } } }`,
        variables: { p: projectIds ?? null },
      },
      {
        next: (result) => {
          if (result.errors) this.errors.push(...result.errors);
          if (result.data) this.events.push(result.data.taskEvents);
        },
        error: (error) => this.errors.push(error),
        complete: () => undefined,
      },
    );
    return this;
  }

  async waitFor(match: (e: Received) => boolean, timeoutMs = 10_000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.errors.length > 0)
        throw new Error(`subscription failed: ${JSON.stringify(this.errors)}`);
      if (Date.now() > deadline)
        throw new Error(`no matching event in ${JSON.stringify(this.events)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async close(): Promise<void> {
    this.stop();
    await this.client.dispose();
  }
}

/**
 * Subscriptions (`taskEvents`) over graphql-ws at /graphql: fed by the real-time stream of
 * GET /api/v1/ws with its visibility rules, authenticated with the same tokens.
 */
describe('GraphQL subscriptions (e2e)', () => {
  let t: TestApp;
  let url: string;
  const open: Subscriber[] = [];

  beforeAll(async () => {
    t = await startListeningApp(NO_RATE_LIMITS);
    const address = t.app.getHttpServer().address();
    if (!address || typeof address !== 'object') throw new Error('not listening');
    url = `ws://127.0.0.1:${address.port}/graphql`;
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await t?.close();
  });

  function clientOf(token: string, onClosed?: (code: number) => void): Client {
    return createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: true,
      on: { closed: (event) => onClosed?.((event as { code: number }).code) },
    });
  }

  async function subscribe(who: Session | string, projectIds?: number[]): Promise<Subscriber> {
    const token = typeof who === 'string' ? who : who.token;
    const subscriber = new Subscriber(clientOf(token)).start(projectIds);
    open.push(subscriber);
    // Subscribed once the server has acknowledged the connection and registered the listener.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return subscriber;
  }

  it('should deliver task events to members and the assignee, with nested fields, and nothing to strangers', async () => {
    const team: Team = await newTeam(t.http);
    const outsider = await signUp(t.http);
    const [editor, stranger, assignee] = await Promise.all([
      subscribe(team.editor),
      subscribe(team.stranger),
      subscribe(outsider),
    ]);
    const task = await createTask(t.http, team.owner, {
      project_id: team.project.id,
      assignee_id: outsider.id,
      title: 'live',
    });
    const seen = await editor.waitFor((e) => e.event === 'task.created' && e.taskId === task.id);
    expect(seen.task).toEqual({
      id: task.id,
      title: 'live',
      assignee: { username: outsider.username },
    });
    await assignee.waitFor((e) => e.event === 'task.assigned' && e.taskId === task.id);
    // The stranger's own task arrives; the team's task never did.
    const own = await createTask(t.http, team.stranger, { title: 'mine' });
    await stranger.waitFor((e) => e.taskId === own.id);
    expect(stranger.events.some((e) => e.taskId === task.id)).toBe(false);
  });

  it('should narrow task events to projectIds', async () => {
    const team = await newTeam(t.http);
    const narrowed = await subscribe(team.owner, [team.project.id]);
    const inbox = await createTask(t.http, team.owner, { title: 'inbox' });
    const inProject = await createTask(t.http, team.owner, { project_id: team.project.id });
    await narrowed.waitFor((e) => e.taskId === inProject.id);
    expect(narrowed.events.some((e) => e.taskId === inbox.id)).toBe(false);
  });

  it('should refuse a bad token at connection_init (4403) and a token without tasks:read', async () => {
    let code: number | undefined;
    const client = clientOf('not-a-token', (c) => (code = c));
    const subscriber = new Subscriber(client).start();
    open.push(subscriber);
    const deadline = Date.now() + 5000;
    while (code === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(code).toBe(4403);

    const owner = await signUp(t.http);
    const token = await createAccessToken(t.http, owner, ['projects:read']);
    const limited = await subscribe(token.token);
    const deadline2 = Date.now() + 5000;
    while (limited.errors.length === 0 && Date.now() < deadline2) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(JSON.stringify(limited.errors)).toMatch(/FORBIDDEN|tasks:read/);
  });

  it('should serve only subscriptions over the WebSocket and refuse them over HTTP', async () => {
    const user = await signUp(t.http);
    const client = clientOf(user.token);
    const result = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: '{ me { id } }' },
        { next: resolve, error: resolve, complete: () => undefined },
      );
    });
    await client.dispose();
    expect(JSON.stringify(result)).toMatch(/Only subscriptions/);
    const http = await gqlRequest(t.http, user.auth, 'subscription { taskEvents { event } }');
    expect(http.status).toBe(400);
    expect(http.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
  });
});
