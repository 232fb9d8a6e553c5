import type { TestApp } from './helpers/app';
import { signUp, Session } from './helpers/factories';
import { startListeningApp } from './helpers/realtime';
import { ensureBuilt, ServerProcess, startServer } from './helpers/server';
import { createTask, TASKS, TaskJson } from './helpers/tasks';
import { WS_PATH, WsClient, WsMessage, wsUrl } from './helpers/ws-client';

/**
 * Instance A (the built server, a child process, so it can be SIGKILLed) holds the sockets and
 * runs workers like any instance; instance B (in this process) shares its database and Redis.
 * A dies by SIGKILL right after answering writes, while its relay and workers may still hold
 * their events (queued, or a dispatch under way). Its clients reconnect to B with
 * `last_event_id` and must get every event of their tasks exactly once, in commit order: those
 * committed through A before the kill (relayed by B, or A's stalled jobs run again by B),
 * those committed through B while A dies, and those after.
 */
jest.setTimeout(90_000);

/** Short job locks, so a job A held when it died is handed to B in seconds, not a minute. */
const FAST_STALL = { JOB_LOCK_DURATION_MS: '2000', JOB_STALLED_INTERVAL_MS: '1000' };

interface Watched {
  user: Session;
  task: TaskJson;
  /** Titles in the order they are committed. */
  titles: string[];
  onA: WsClient;
  onB?: WsClient;
}

const updatedTitles = (messages: WsMessage[]): string[] =>
  messages
    .filter((m) => m.type === 'event' && m.event === 'task.updated')
    .map((m) => (m.data?.task as TaskJson).title);

describe('Real-time updates: an instance killed with SIGKILL (e2e)', () => {
  let a: ServerProcess | undefined;
  let b: TestApp;
  const clients: WsClient[] = [];

  beforeAll(async () => {
    ensureBuilt();
    // B first: it migrates the run's database before A boots on it.
    b = await startListeningApp(FAST_STALL);
    a = await startServer(FAST_STALL);
  }, 180_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await a?.stop();
    await b?.close();
  });

  async function patchOnA(who: Session, id: number, title: string): Promise<void> {
    const res = await fetch(`${a!.baseUrl}${TASKS}/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...who.auth },
      body: JSON.stringify({ title }),
    });
    expect(res.status).toBe(200);
  }

  async function patchOnB(who: Session, id: number, title: string): Promise<void> {
    await b.http.patch(`${TASKS}/${id}`).set(who.auth).send({ title }).expect(200);
  }

  it('should give clients that resume on the other instance every event once, in order', async () => {
    const urlA = `ws://127.0.0.1:${a!.port}${WS_PATH}`;
    const watched: Watched[] = [];
    for (let i = 0; i < 3; i += 1) {
      const user = await signUp(b.http);
      const { client } = await WsClient.ready(urlA, user.token);
      clients.push(client);
      const task = await createTask(b.http, user);
      await client.nextEvent('task.created', task.id);
      watched.push({ user, task, titles: [], onA: client });
    }

    // Committed through A (the users side by side, each task's writes in order), then A dies
    // at once: its relay and workers are likely to hold the last ones still.
    await Promise.all(
      watched.map(async (w) => {
        for (const n of [1, 2, 3]) {
          const title = `through A ${n}`;
          await patchOnA(w.user, w.task.id, title);
          w.titles.push(title);
        }
      }),
    );
    const killed = a!.child.kill('SIGKILL');
    expect(killed).toBe(true);
    // Committed through B while A is going down.
    await Promise.all(
      watched.map(async (w) => {
        const title = 'through B during';
        await patchOnB(w.user, w.task.id, title);
        w.titles.push(title);
      }),
    );
    expect(await a!.exited).toBe('SIGKILL');

    for (const w of watched) {
      const lastOnA = w.onA.events().at(-1)!;
      const { client } = await WsClient.ready(wsUrl(b), w.user.token, lastOnA.id);
      clients.push(client);
      w.onB = client;
    }
    // Committed through B after the clients came back.
    for (const w of watched) {
      for (const n of [1, 2]) {
        const title = `through B after ${n}`;
        await patchOnB(w.user, w.task.id, title);
        w.titles.push(title);
      }
    }

    for (const w of watched) {
      const onB = w.onB!;
      const seen = (): string[] => [
        ...updatedTitles(w.onA.received),
        ...updatedTitles(onB.received),
      ];
      // A's stalled jobs wait for their lock to expire (2 s) and B's stalled-job check.
      await onB.until(() => seen().length >= w.titles.length, 30_000);
      await onB.sync();
      expect(seen()).toEqual(w.titles);
      expect(onB.received.some((m) => m.type === 'resync')).toBe(false);
      const ids = [...w.onA.events(), ...onB.events()].map((m) => m.id!);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});
