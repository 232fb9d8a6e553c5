import { randomBytes } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { JobsService } from '../src/jobs/jobs.service';
import { verifyWebhookSignature } from '../src/webhooks/webhook-signature';
import { startTestApp, TestApp } from './helpers/app';
import { comment, commentsPath, CommentJson } from './helpers/comments';
import { Session, signUp } from './helpers/factories';
import { newPeople, newTeam, People, Team } from './helpers/projects';
import { createTask, NO_RATE_LIMITS, TASKS, TaskJson } from './helpers/tasks';
import { waitFor } from './helpers/wait';
import { baseConnection } from './setup/test-env';

/**
 * What a comment sets off through the outbox: notifications and webhook deliveries. Its own
 * database and queue prefix: webhook targets are on 127.0.0.1, and these assertions count
 * effects, so no app of another spec may dispatch this spec's events.
 */
const DB_NAME = `${process.env.DB_NAME}_cmt`;
let t: TestApp;
let db: DataSource;
let people: People;

beforeAll(async () => {
  t = await startTestApp({
    ...NO_RATE_LIMITS,
    DB_NAME,
    REDIS_KEY_PREFIX: `${process.env.DB_NAME}:cmt-${randomBytes(3).toString('hex')}:`,
    WEBHOOK_ALLOW_PRIVATE: 'true',
    JOB_BACKOFF_MS: '100',
  });
  db = t.app.get(DataSource);
  people = await newPeople(t.http);
});

afterAll(async () => {
  // Undefined only when the start failed; that failure is the one to report.
  if (t as TestApp | undefined) await t.close();
  const connection = await createConnection(baseConnection());
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${DB_NAME}\``);
  } finally {
    await connection.end();
  }
});

interface NotificationJson {
  id: number;
  type: string;
  task_id: number | null;
  message: string;
}

/** The user's notifications about the task (of `type`, when given). */
async function notificationsOf(
  user: Session,
  taskId: number,
  type?: string,
): Promise<NotificationJson[]> {
  const res = await t.http.get('/api/v1/notifications').set(user.auth).expect(200);
  return (res.body as NotificationJson[]).filter(
    (n) => n.task_id === taskId && (type === undefined || n.type === type),
  );
}

/** Polls until every event of the task has been dispatched to the consumers. */
function allDispatched(taskId: number): Promise<true> {
  return waitFor(
    async () => {
      const rows = await db.query<Array<{ pending: string | number }>>(
        'SELECT COUNT(*) AS pending FROM task_events WHERE task_id = ? AND dispatched_at IS NULL',
        [taskId],
      );
      return Number(rows[0].pending) === 0;
    },
    { timeoutMs: 15_000, intervalMs: 100, what: `dispatch of the events of task ${taskId}` },
  );
}

/** The outbox rows of the task's `comment.created` events, oldest first. */
function commentEvents(taskId: number): Promise<Array<{ id: string; payload: string }>> {
  return db.query(
    "SELECT id, payload FROM task_events WHERE task_id = ? AND event_type = 'comment.created' ORDER BY id",
    [taskId],
  );
}

/** Forgets that the event was dispatched and queues its dispatch again: a redelivery. */
async function redeliver(eventId: number): Promise<void> {
  await db.query('UPDATE task_events SET dispatched_at = NULL WHERE id = ?', [eventId]);
  await t.app
    .get(JobsService)
    .enqueue('events.dispatch', { eventId }, { jobId: `redeliver-${eventId}` });
  await waitFor(
    async () => {
      const rows = await db.query<Array<{ dispatched_at: Date | null }>>(
        'SELECT dispatched_at FROM task_events WHERE id = ?',
        [eventId],
      );
      return rows[0]?.dispatched_at !== null;
    },
    { timeoutMs: 15_000, intervalMs: 100, what: `redispatch of event ${eventId}` },
  );
}

/** A team project with a task "Fix login" in it, assigned to a user who is no member. */
async function teamTask(): Promise<{ team: Team; task: TaskJson; assignee: Session }> {
  const team = await newTeam(t.http, people);
  const assignee = await signUp(t.http);
  const task = await createTask(t.http, team.owner, {
    project_id: team.project.id,
    assignee_id: assignee.id,
    title: 'Fix login',
  });
  return { team, task, assignee };
}

describe('Comment notifications (e2e)', () => {
  it('should tell the mentioned `mentioned`, creator and assignee `commented`, nobody else', async () => {
    const { team, task, assignee } = await teamTask();
    const { owner, admin, editor, viewer, stranger } = team;
    const created = await comment(
      t.http,
      viewer,
      task.id,
      `@${editor.username} @${stranger.username} @${owner.username.toUpperCase()} please look`,
    );
    expect(created.mentions).toEqual([editor.id, owner.id]);
    await allDispatched(task.id);

    const mentioned = `${viewer.username} mentioned you on "Fix login"`;
    const commented = `${viewer.username} commented on "Fix login"`;
    expect((await notificationsOf(editor, task.id)).map((n) => [n.type, n.message])).toEqual([
      ['mentioned', mentioned],
    ]);
    // The creator is mentioned: told once, as mentioned.
    expect((await notificationsOf(owner, task.id)).map((n) => [n.type, n.message])).toEqual([
      ['mentioned', mentioned],
    ]);
    // The assignee (no member) hears of the comment; its assignment told it before.
    expect((await notificationsOf(assignee, task.id)).map((n) => [n.type, n.message])).toEqual([
      ['commented', commented],
      ['assigned', 'You were assigned the task "Fix login"'],
    ]);
    // The stranger was mentioned but cannot see the task; the author and the admin are not told.
    expect(await notificationsOf(stranger, task.id)).toEqual([]);
    expect(await notificationsOf(viewer, task.id)).toEqual([]);
    expect(await notificationsOf(admin, task.id)).toEqual([]);

    // One notification per comment: the creator commenting tells the assignee again, and not
    // the creator itself.
    await comment(t.http, owner, task.id, 'On it');
    await allDispatched(task.id);
    expect((await notificationsOf(assignee, task.id, 'commented')).map((n) => n.message)).toEqual([
      `${owner.username} commented on "Fix login"`,
      commented,
    ]);
    expect(await notificationsOf(owner, task.id, 'commented')).toEqual([]);
  });

  it('should record comment.created with the task and the comment in the outbox', async () => {
    const { team, task } = await teamTask();
    const created = await comment(t.http, team.editor, task.id, `hi @${team.viewer.username}`);
    const [event] = await commentEvents(task.id);
    const current = await t.http.get(`${TASKS}/${task.id}`).set(team.owner.auth).expect(200);
    // The task did not change: before and after are the task as it was.
    expect(JSON.parse(event.payload)).toEqual({
      before: current.body,
      after: current.body,
      comment: created,
    });
    expect(current.body.updated_at).toBe(task.updated_at);
  });

  it('should tell nobody twice when the comment event is delivered again', async () => {
    const { team, task, assignee } = await teamTask();
    await comment(t.http, team.viewer, task.id, `@${team.editor.username}`);
    await allDispatched(task.id);
    const [event] = await commentEvents(task.id);
    const eventId = Number(event.id);
    const count = async (): Promise<number> => {
      const rows = await db.query<Array<{ n: string | number }>>(
        'SELECT COUNT(*) AS n FROM notifications WHERE event_id = ?',
        [eventId],
      );
      return Number(rows[0].n);
    };
    // editor: mentioned; owner (creator) and assignee: commented.
    expect(await count()).toBe(3);

    await redeliver(eventId);
    expect(await count()).toBe(3);
    expect(await notificationsOf(team.editor, task.id, 'mentioned')).toHaveLength(1);
    expect(await notificationsOf(team.owner, task.id, 'commented')).toHaveLength(1);
    expect(await notificationsOf(assignee, task.id, 'commented')).toHaveLength(1);
  });

  it('should tell on edit only the users mentioned for the first time', async () => {
    const { team, task } = await teamTask();
    const { admin, editor, viewer, stranger } = team;
    const created = await comment(t.http, editor, task.id, `@${viewer.username} see this`);
    await allDispatched(task.id);
    const edit = async (body: string): Promise<CommentJson> => {
      const res = await t.http
        .patch(commentsPath(task.id, created.id))
        .set(editor.auth)
        .send({ body })
        .expect(200);
      return res.body as CommentJson;
    };
    const mentionedCount = async (user: Session): Promise<number> =>
      (await notificationsOf(user, task.id, 'mentioned')).length;
    expect(await mentionedCount(viewer)).toBe(1);

    // Told in the edit's own transaction: there when the PATCH answers.
    expect((await edit(`@${viewer.username} and now @${admin.username}`)).mentions).toEqual([
      viewer.id,
      admin.id,
    ]);
    expect(await notificationsOf(admin, task.id, 'mentioned')).toEqual([
      expect.objectContaining({ message: `${editor.username} mentioned you on "Fix login"` }),
    ]);
    expect(await mentionedCount(viewer)).toBe(1);

    // Dropped and mentioned again: not told again. A stranger and the author: never.
    expect((await edit('nobody')).mentions).toEqual([]);
    expect(
      (await edit(`@${admin.username} @${stranger.username} @${editor.username}`)).mentions,
    ).toEqual([admin.id, editor.id]);
    expect(await mentionedCount(admin)).toBe(1);
    expect(await mentionedCount(viewer)).toBe(1);
    expect(await notificationsOf(stranger, task.id)).toEqual([]);
    expect(await notificationsOf(editor, task.id)).toEqual([]);
    // Edits are no new comments: nobody hears `commented` again, no event is recorded.
    await allDispatched(task.id);
    expect(await notificationsOf(team.owner, task.id, 'commented')).toHaveLength(1);
    expect(await commentEvents(task.id)).toHaveLength(1);
  });
});

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local webhook receiver that records every request and answers 200. */
async function startReceiver(): Promise<{
  url: string;
  requests: Received[];
  close: () => Promise<void>;
}> {
  const requests: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('comment.created webhooks (e2e)', () => {
  it('should deliver the task and the comment to subscribers who see the task, once', async () => {
    const receivers = {
      comments: await startReceiver(),
      tasks: await startReceiver(),
      stranger: await startReceiver(),
    };
    try {
      const { team, task } = await teamTask();
      await allDispatched(task.id);
      const hook = async (user: Session, url: string, events: string[]) => {
        const res = await t.http
          .post('/api/v1/webhooks')
          .set(user.auth)
          .send({ url, events })
          .expect(201);
        return res.body as { id: number; secret: string };
      };
      const deliveries = async (user: Session, id: number) =>
        (await t.http.get(`/api/v1/webhooks/${id}/deliveries`).set(user.auth).expect(200))
          .body as Array<{ id: string; event: string; status: string }>;
      const commentsHook = await hook(team.viewer, receivers.comments.url, ['comment.created']);
      const tasksHook = await hook(team.viewer, receivers.tasks.url, [
        'task.created',
        'task.updated',
        'task.assigned',
      ]);
      const strangerHook = await hook(team.stranger, receivers.stranger.url, ['comment.created']);

      const created = await comment(
        t.http,
        team.editor,
        task.id,
        `ship it @${team.owner.username}`,
      );
      await allDispatched(task.id);
      const [log] = await waitFor(
        async () => {
          const list = await deliveries(team.viewer, commentsHook.id);
          return list.length === 1 && list[0].status === 'delivered' ? list : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 100, what: 'the comment.created delivery' },
      );
      expect(log.event).toBe('comment.created');
      expect(receivers.comments.requests).toHaveLength(1);
      const [request] = receivers.comments.requests;
      expect(request.headers['x-webhook-event']).toBe('comment.created');
      expect(request.headers['x-webhook-delivery']).toBe(log.id);
      expect(
        verifyWebhookSignature(
          commentsHook.secret,
          request.body,
          request.headers['x-webhook-signature'] as string,
        ),
      ).toBe(true);
      const current = await t.http.get(`${TASKS}/${task.id}`).set(team.owner.auth).expect(200);
      expect(JSON.parse(request.body)).toEqual({
        id: log.id,
        event: 'comment.created',
        created_at: expect.any(String),
        data: { task: current.body, comment: created },
      });

      // No task.* subscriber takes a comment for a task change; a stranger hears nothing.
      expect(await deliveries(team.viewer, tasksHook.id)).toEqual([]);
      expect(await deliveries(team.stranger, strangerHook.id)).toEqual([]);
      expect(receivers.tasks.requests).toEqual([]);
      expect(receivers.stranger.requests).toEqual([]);

      // Delivered again after a redelivered event: still one delivery.
      const [event] = await commentEvents(task.id);
      await redeliver(Number(event.id));
      expect(await deliveries(team.viewer, commentsHook.id)).toEqual([log]);
    } finally {
      await Promise.all(Object.values(receivers).map((r) => r.close()));
    }
  });
});
