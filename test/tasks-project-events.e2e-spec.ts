import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './helpers/app';
import { Session, signUp } from './helpers/factories';
import { membersPath, newTeam, Team } from './helpers/projects';
import { createTask, NO_RATE_LIMITS, TASKS, TaskJson } from './helpers/tasks';
import { waitFor } from './helpers/wait';
import { baseConnection } from './setup/test-env';

/**
 * Webhooks, notifications and reminders of tasks in a team project follow the visibility rule:
 * a member of the task's project or its assignee, when the event is dispatched. A database and
 * queue prefix of its own: deliveries go to 127.0.0.1 (WEBHOOK_ALLOW_PRIVATE) and the reminder
 * lead is 2 s, so no app of another spec may dispatch these events.
 */
const DB_NAME = `${process.env.DB_NAME}_tpe`;
const WEBHOOK_EVENTS = ['task.created', 'task.updated', 'task.assigned', 'task.deleted'];

interface Delivery {
  event: string;
  data: { task: TaskJson };
}

/** A local webhook receiver that answers 200 and keeps every delivery's body. */
class Receiver {
  readonly deliveries: Delivery[] = [];
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.deliveries.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Delivery);
      res.end('ok');
    });
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** `event task-id` of every delivery, sorted. */
  received(): string[] {
    return this.deliveries.map((d) => `${d.event} ${d.data.task.id}`).sort();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

interface NotificationJson {
  type: string;
  task_id: number | null;
  message: string;
}

describe('Events of tasks in a team project (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  let team: Team;
  let outsider: Session;

  beforeAll(async () => {
    t = await startTestApp({
      ...NO_RATE_LIMITS,
      DB_NAME,
      REDIS_KEY_PREFIX: `${process.env.DB_NAME}:tpe-${randomBytes(3).toString('hex')}:`,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      JOB_BACKOFF_MS: '100',
      REMINDER_LEAD: '2s',
    });
    db = t.app.get(DataSource);
    team = await newTeam(t.http);
    outsider = await signUp(t.http);
  });

  afterAll(async () => {
    if (t as TestApp | undefined) await t.close();
    const connection = await createConnection(baseConnection());
    try {
      await connection.query(`DROP DATABASE IF EXISTS \`${DB_NAME}\``);
    } finally {
      await connection.end();
    }
  });

  /** Polls until every event recorded so far has been dispatched to the consumers. */
  function allDispatched(): Promise<true> {
    return waitFor(
      async () => {
        const rows = await db.query<Array<{ n: string | number }>>(
          'SELECT COUNT(*) AS n FROM task_events WHERE dispatched_at IS NULL',
        );
        return Number(rows[0].n) === 0;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'every task event to be dispatched' },
    );
  }

  async function notificationsOf(user: Session, taskId: number): Promise<NotificationJson[]> {
    const res = await t.http.get('/api/v1/notifications').set(user.auth).expect(200);
    return (res.body as NotificationJson[]).filter((n) => n.task_id === taskId);
  }

  describe('webhooks', () => {
    const receivers: Receiver[] = [];

    afterAll(async () => {
      await Promise.all(receivers.map((r) => r.close()));
    });

    async function subscribe(user: Session): Promise<Receiver> {
      const receiver = await new Receiver().start();
      receivers.push(receiver);
      await t.http
        .post('/api/v1/webhooks')
        .set(user.auth)
        .send({ url: receiver.url, events: WEBHOOK_EVENTS })
        .expect(201);
      return receiver;
    }

    it('should deliver the project’s events to members, the assigned task’s to its assignee, none to a stranger', async () => {
      const member = await subscribe(team.viewer);
      const assignee = await subscribe(outsider);
      const stranger = await subscribe(team.stranger);
      const project_id = team.project.id;

      const plain = await createTask(t.http, team.editor, { project_id });
      const assigned = await createTask(t.http, team.editor, {
        project_id,
        assignee_id: outsider.id,
      });
      await t.http
        .patch(`${TASKS}/${plain.id}`)
        .set(team.editor.auth)
        .send({ title: 'renamed' })
        .expect(200);

      const expected = [
        `task.assigned ${assigned.id}`,
        `task.created ${assigned.id}`,
        `task.created ${plain.id}`,
        `task.updated ${plain.id}`,
      ].sort();
      await waitFor(() => member.received().length >= expected.length, {
        timeoutMs: 20_000,
        what: "the member's deliveries",
      });
      await waitFor(() => assignee.received().length >= 2, {
        timeoutMs: 20_000,
        what: "the assignee's deliveries",
      });
      await allDispatched();
      expect(member.received()).toEqual(expected);
      expect(assignee.received()).toEqual(
        [`task.assigned ${assigned.id}`, `task.created ${assigned.id}`].sort(),
      );
      for (const delivery of [...member.deliveries, ...assignee.deliveries]) {
        expect(delivery.data.task.project_id).toBe(project_id);
      }
      expect(stranger.deliveries).toEqual([]);
      const log = await db.query<Array<{ n: string | number }>>(
        `SELECT COUNT(*) AS n FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
          WHERE w.user_id = ?`,
        [team.stranger.id],
      );
      expect(Number(log[0].n)).toBe(0);

      // A deletion reaches the members and the assignee it had.
      await t.http.delete(`${TASKS}/${assigned.id}`).set(team.editor.auth).expect(200);
      for (const receiver of [member, assignee]) {
        await waitFor(() => receiver.received().includes(`task.deleted ${assigned.id}`), {
          timeoutMs: 20_000,
          what: 'the task.deleted delivery',
        });
      }
      await allDispatched();
      expect(stranger.deliveries).toEqual([]);
    });

    it('should stop delivering to a removed member at once, except for tasks assigned to it', async () => {
      const leaver = await signUp(t.http);
      const project_id = team.project.id;
      await t.http
        .put(membersPath(project_id, leaver.id))
        .set(team.owner.auth)
        .send({ role: 'viewer' })
        .expect(201);
      const receiver = await subscribe(leaver);
      const plain = await createTask(t.http, team.editor, { project_id });
      const assigned = await createTask(t.http, team.editor, {
        project_id,
        assignee_id: leaver.id,
      });
      await waitFor(() => receiver.received().length >= 3, {
        timeoutMs: 20_000,
        what: 'deliveries before the removal',
      });

      await t.http.delete(membersPath(project_id, leaver.id)).set(team.admin.auth).expect(204);
      for (const task of [plain, assigned]) {
        await t.http
          .patch(`${TASKS}/${task.id}`)
          .set(team.editor.auth)
          .send({ title: `${task.title} again` })
          .expect(200);
      }
      await waitFor(() => receiver.received().length >= 4, {
        timeoutMs: 20_000,
        what: 'the assigned task’s update',
      });
      await allDispatched();
      expect(receiver.received()).toEqual(
        [
          `task.created ${plain.id}`,
          `task.created ${assigned.id}`,
          `task.assigned ${assigned.id}`,
          `task.updated ${assigned.id}`,
        ].sort(),
      );
    });
  });

  describe('notifications and reminders', () => {
    it('should notify a non-member assignee of its assignment', async () => {
      const task = await createTask(t.http, team.editor, {
        title: 'for the outsider',
        project_id: team.project.id,
        assignee_id: outsider.id,
      });
      const [notification] = await waitFor(
        async () => {
          const found = await notificationsOf(outsider, task.id);
          return found.length > 0 && found;
        },
        { timeoutMs: 10_000, intervalMs: 200, what: 'the assigned notification' },
      );
      expect(notification).toMatchObject({ type: 'assigned', task_id: task.id });
      expect(notification.message).toContain('for the outsider');
      await allDispatched();
      for (const member of [team.owner, team.admin, team.editor, team.viewer]) {
        expect(await notificationsOf(member, task.id)).toEqual([]);
      }
    });

    it('should remind the creator while it is a member, not once it has left the project', async () => {
      const leaver = await signUp(t.http);
      const project_id = team.project.id;
      await t.http
        .put(membersPath(project_id, leaver.id))
        .set(team.owner.auth)
        .send({ role: 'editor' })
        .expect(201);
      // Due in 4 s: the reminder (2 s before) fires about 2 s from now.
      const due_date = new Date(Date.now() + 4000).toISOString();
      const left = await createTask(t.http, leaver, {
        project_id,
        due_date,
        assignee_id: outsider.id,
      });
      const stayed = await createTask(t.http, team.editor, { project_id, due_date });
      await t.http.delete(membersPath(project_id, leaver.id)).set(leaver.auth).expect(204);

      const dueSoon = (user: Session, taskId: number) =>
        waitFor(
          async () => (await notificationsOf(user, taskId)).find((n) => n.type === 'due_soon'),
          { timeoutMs: 15_000, intervalMs: 200, what: `due_soon of task ${taskId} for ${user.id}` },
        );
      await dueSoon(outsider, left.id);
      await dueSoon(team.editor, stayed.id);
      await allDispatched();
      expect((await notificationsOf(leaver, left.id)).filter((n) => n.type === 'due_soon')).toEqual(
        [],
      );
      const fired = await db.query<Array<{ n: string | number }>>(
        "SELECT COUNT(*) AS n FROM task_events WHERE task_id = ? AND event_type = 'task.due_soon'",
        [left.id],
      );
      expect(Number(fired[0].n)).toBe(1);
    });
  });
});
