import Redis from 'ioredis';
import type { TestApp } from './helpers/app';
import { signUp } from './helpers/factories';
import { createProject, membersPath, newTeam, setMember } from './helpers/projects';
import { startListeningApp } from './helpers/realtime';
import { createTask, NO_RATE_LIMITS, TASKS, TaskJson } from './helpers/tasks';
import { taskIdOf, WsClient, wsUrl } from './helpers/ws-client';

/**
 * Two instances on one database and Redis: every change is made on B, every socket is on A
 * (unless said otherwise), so each delivery crosses instances through the shared stream.
 */
describe('Real-time updates: events across instances (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  let urlA: string;
  let urlB: string;
  const clients: WsClient[] = [];

  beforeAll(async () => {
    // One after the other: startTestApp sets process.env while an instance reads it.
    a = await startListeningApp(NO_RATE_LIMITS);
    b = await startListeningApp(NO_RATE_LIMITS);
    urlA = wsUrl(a);
    urlB = wsUrl(b);
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  async function connect(token: string, lastEventId?: string, url = urlA): Promise<WsClient> {
    const { client } = await WsClient.ready(url, token, lastEventId);
    clients.push(client);
    return client;
  }

  function patch(
    who: { auth: Record<string, string> },
    id: number,
    body: object,
  ): Promise<TaskJson> {
    return b.http
      .patch(`${TASKS}/${id}`)
      .set(who.auth)
      .send(body)
      .expect(200)
      .then((res) => res.body as TaskJson);
  }

  it('should deliver a change made on another instance, with the webhook data', async () => {
    const team = await newTeam(b.http);
    const [onA, onB] = await Promise.all([
      connect(team.viewer.token),
      connect(team.editor.token, undefined, urlB),
    ]);
    const task = await createTask(b.http, team.editor, { project_id: team.project.id });
    for (const client of [onA, onB]) {
      expect(await client.nextEvent('task.created', task.id)).toEqual({
        type: 'event',
        id: expect.stringMatching(/^\d+-\d+$/),
        event: 'task.created',
        created_at: expect.any(String),
        data: { task },
      });
    }
  });

  it('should send a stranger nothing of a task it cannot see', async () => {
    const team = await newTeam(b.http);
    const stranger = await connect(team.stranger.token);
    const hidden = await createTask(b.http, team.owner, { project_id: team.project.id });
    await patch(team.owner, hidden.id, { title: 'still not yours' });
    // Its own task's event comes after the others' were fanned out (one feed, in order).
    const own = await createTask(b.http, team.stranger);
    await stranger.nextEvent('task.created', own.id);
    expect(stranger.events().map(taskIdOf)).toEqual([own.id]);
  });

  it('should tell the user of its own notifications (notification.created)', async () => {
    const team = await newTeam(b.http);
    const editor = await connect(team.editor.token);
    const task = await createTask(b.http, team.owner, {
      project_id: team.project.id,
      assignee_id: team.editor.id,
    });
    const event = await editor.nextEvent('notification.created');
    expect(event.data).toEqual({
      notification: expect.objectContaining({
        type: 'assigned',
        task_id: task.id,
        read_at: null,
      }),
    });
    const listed = await b.http.get('/api/v1/notifications').set(team.editor.auth).expect(200);
    expect(listed.body).toContainEqual(event.data!.notification);
  });

  it('should send task.hidden to a former assignee when the task is reassigned away', async () => {
    const team = await newTeam(b.http);
    const stranger = await connect(team.stranger.token);
    const task = await createTask(b.http, team.owner, {
      project_id: team.project.id,
      assignee_id: team.stranger.id,
    });
    await stranger.nextEvent('task.assigned', task.id);
    // Its notification is announced after the dispatch commits, the event before: either order.
    await stranger.until(() => stranger.events().some((e) => e.event === 'notification.created'));
    const before = stranger.events().length;
    await patch(team.owner, task.id, { assignee_id: team.editor.id });
    const hidden = await stranger.nextEvent('task.hidden', task.id);
    expect(hidden.data).toEqual({ task_id: task.id });
    // Exactly once, though the write was both task.updated and task.assigned.
    const own = await createTask(b.http, team.stranger);
    await stranger.nextEvent('task.created', own.id);
    const after = stranger.events().slice(before);
    expect(after.map((e) => e.event)).toEqual(['task.hidden', 'task.created']);
  });

  it('should send task.hidden to members of the old project when a task moves away', async () => {
    const team = await newTeam(b.http);
    const elsewhere = await createProject(b.http, team.owner, { name: 'Elsewhere' });
    await setMember(b.http, team.owner, elsewhere.id, team.editor, 'editor');
    const task = await createTask(b.http, team.owner, { project_id: team.project.id });
    const [viewer, editor] = await Promise.all([
      connect(team.viewer.token),
      connect(team.editor.token),
    ]);
    const moved = await patch(team.owner, task.id, { project_id: elsewhere.id });
    expect((await viewer.nextEvent('task.hidden', task.id)).data).toEqual({ task_id: task.id });
    expect((await editor.nextEvent('task.updated', task.id)).data).toEqual({ task: moved });
  });

  it('should send task.hidden for the project tasks to a removed member', async () => {
    const team = await newTeam(b.http);
    const viewer = await connect(team.viewer.token);
    const seen = await createTask(b.http, team.owner, { project_id: team.project.id });
    const assigned = await createTask(b.http, team.owner, {
      project_id: team.project.id,
      assignee_id: team.viewer.id,
    });
    const has = (event: string, id?: number): boolean =>
      viewer.events().some((e) => e.event === event && (id === undefined || taskIdOf(e) === id));
    await viewer.until(
      () =>
        has('task.created', seen.id) &&
        has('task.assigned', assigned.id) &&
        has('notification.created'),
    );
    const before = viewer.events().length;
    await b.http
      .delete(membersPath(team.project.id, team.viewer.id))
      .set(team.owner.auth)
      .expect(204);
    expect((await viewer.nextEvent('task.hidden', seen.id)).data).toEqual({ task_id: seen.id });
    // Still its assignee: it keeps seeing that one.
    await patch(team.owner, assigned.id, { title: 'still yours' });
    await viewer.nextEvent('task.updated', assigned.id);
    const after = viewer.events().slice(before);
    expect(after.map((e) => [e.event, taskIdOf(e)])).toEqual([
      ['task.hidden', seen.id],
      ['task.updated', assigned.id],
    ]);
  });

  it('should send task.hidden for every task of a deleted project to whoever saw it', async () => {
    const team = await newTeam(b.http);
    const [editor, viewer, stranger] = await Promise.all([
      connect(team.editor.token),
      connect(team.viewer.token),
      connect(team.stranger.token),
    ]);
    const seen = await createTask(b.http, team.owner, { project_id: team.project.id });
    const assigned = await createTask(b.http, team.owner, {
      project_id: team.project.id,
      assignee_id: team.viewer.id,
    });
    // The viewer leaves the project but stays the assignee of one task: it sees only that one.
    await b.http
      .delete(membersPath(team.project.id, team.viewer.id))
      .set(team.owner.auth)
      .expect(204);
    const has = (client: WsClient, event: string, id?: number): boolean =>
      client.events().some((e) => e.event === event && (id === undefined || taskIdOf(e) === id));
    await editor.until(
      () => has(editor, 'task.created', seen.id) && has(editor, 'task.assigned', assigned.id),
    );
    await viewer.until(
      () =>
        has(viewer, 'task.created', seen.id) &&
        has(viewer, 'task.assigned', assigned.id) &&
        has(viewer, 'notification.created') &&
        has(viewer, 'task.hidden', seen.id),
    );
    const before = new Map([editor, viewer, stranger].map((c) => [c, c.events().length]));
    const since = (client: WsClient) => client.events().slice(before.get(client));

    await b.http.delete(`/api/v1/projects/${team.project.id}`).set(team.owner.auth).expect(204);
    // Each is told once, and a stranger nothing: their own next event comes after.
    for (const [client, who] of [
      [editor, team.editor],
      [viewer, team.viewer],
      [stranger, team.stranger],
    ] as const) {
      const own = await createTask(b.http, who);
      await client.nextEvent('task.created', own.id);
    }
    const hidden = since(editor).slice(0, 2);
    expect(hidden.map((e) => e.event)).toEqual(['task.hidden', 'task.hidden']);
    expect(hidden.map((e) => e.data)).toEqual(
      expect.arrayContaining([{ task_id: seen.id }, { task_id: assigned.id }]),
    );
    expect(since(editor).map((e) => e.event)).toEqual([
      'task.hidden',
      'task.hidden',
      'task.created',
    ]);
    expect(since(viewer).map((e) => [e.event, taskIdOf(e)])).toEqual([
      ['task.hidden', assigned.id],
      ['task.created', expect.any(Number)],
    ]);
    expect(since(stranger).map((e) => e.event)).toEqual(['task.created']);
  });

  it('should deliver the events of one task in commit order, once each', async () => {
    const user = await signUp(b.http);
    const client = await connect(user.token);
    const task = await createTask(b.http, user);
    const titles = ['one', 'two', 'three', 'four', 'five'];
    for (const title of titles) await patch(user, task.id, { title });
    await client.next(
      (m) => m.event === 'task.updated' && (m.data?.task as TaskJson).title === 'five',
    );
    const updates = client.events().filter((e) => e.event === 'task.updated');
    expect(updates.map((e) => (e.data?.task as TaskJson).title)).toEqual(titles);
    const ids = client.events().map((e) => e.id!);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort(compareIds)).toEqual(ids);
  });

  it('should replay what a client missed when it resumes with last_event_id', async () => {
    const user = await signUp(b.http);
    const first = await connect(user.token);
    const task = await createTask(b.http, user);
    const created = await first.nextEvent('task.created', task.id);
    first.close();
    await patch(user, task.id, { title: 'missed 1' });
    await patch(user, task.id, { title: 'missed 2' });
    const second = await connect(user.token, created.id, urlB);
    await patch(user, task.id, { title: 'live' });
    const live = await second.next((m) => (m.data?.task as TaskJson)?.title === 'live');
    const titles = second
      .events()
      .filter((e) => e.event === 'task.updated')
      .map((e) => (e.data?.task as TaskJson).title);
    expect(titles).toEqual(['missed 1', 'missed 2', 'live']);
    expect(second.events()[0].id! > created.id!).toBe(true);
    expect(live.id).toBe(second.events().at(-1)!.id);
  });

  it('should answer resync to an unknown, malformed or trimmed last_event_id', async () => {
    const user = await signUp(b.http);
    const probe = await connect(user.token);
    const task = await createTask(b.http, user);
    const created = await probe.nextEvent('task.created', task.id);
    for (const id of [`${Date.now() + 60_000}-0`, 'not-an-id', '1-0']) {
      const client = await connect(user.token, id);
      expect(await client.next()).toEqual({ type: 'resync' });
    }
    // Past the retention: the stream was trimmed beyond the client's last id.
    await patch(user, task.id, { title: 'after' });
    const after = await probe.nextEvent('task.updated', task.id);
    const redis = new Redis({
      host: '127.0.0.1',
      port: 6379,
      keyPrefix: process.env.REDIS_KEY_PREFIX,
    });
    try {
      await redis.xtrim('{realtime}:events', 'MINID', after.id!);
    } finally {
      redis.disconnect();
    }
    const late = await connect(user.token, created.id);
    expect(await late.next()).toEqual({ type: 'resync' });
    // A client at the newest trimmed id has missed nothing that is gone.
    const current = await connect(user.token, after.id);
    await current.sync();
    expect(current.received).toEqual([{ type: 'ready', user_id: user.id }, { type: 'pong' }]);
  });

  it('should narrow the stream to the subscribed projects it can see', async () => {
    const team = await newTeam(b.http);
    const other = await createProject(b.http, team.editor, { name: 'Other' });
    const foreign = await createProject(b.http, team.stranger, { name: 'Foreign' });
    const editor = await connect(team.editor.token);
    editor.send({ type: 'subscribe', project_ids: [team.project.id, foreign.id] });
    await editor.sync();
    const outside = await createTask(b.http, team.editor, { project_id: other.id });
    const inside = await createTask(b.http, team.editor, { project_id: team.project.id });
    await editor.nextEvent('task.created', inside.id);
    expect(editor.events().map(taskIdOf)).toEqual([inside.id]);
    expect(outside.id).not.toBe(inside.id);
    // Subscribing to nothing visible narrows to nothing; [] is everything again.
    editor.send({ type: 'subscribe', project_ids: [foreign.id] });
    editor.send({ type: 'subscribe', project_ids: [] });
    await editor.sync();
    const again = await createTask(b.http, team.editor, { project_id: other.id });
    await editor.nextEvent('task.created', again.id);
  });
});

function compareIds(x: string, y: string): number {
  const [xm, xs] = x.split('-').map(Number);
  const [ym, ys] = y.split('-').map(Number);
  return xm - ym || xs - ys;
}
