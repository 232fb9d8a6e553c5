import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { JobsService } from '../src/jobs/jobs.service';
import { startTestApp, TestApp } from './helpers/app';
import { errorBody, Session, signUp } from './helpers/factories';
import { createTask, detailFields, TASKS } from './helpers/tasks';
import { waitFor } from './helpers/wait';
import { baseConnection } from './setup/test-env';

const NOTIFICATIONS = '/api/v1/notifications';
const NOTIFICATION_KEYS = [
  'created_at',
  'id',
  'message',
  'project_id',
  'read_at',
  'task_id',
  'type',
];

interface NotificationJson {
  id: number;
  type: string;
  task_id: number | null;
  project_id: number | null;
  message: string;
  read_at: string | null;
  created_at: string;
}

/**
 * The app runs with REMINDER_LEAD=2s on a database and queue prefix of its own: the reminder
 * delay is computed by whichever process dispatches a task event, so no app of another spec
 * (with the default lead of one hour) may dispatch this spec's events.
 */
const DB_NAME = `${process.env.DB_NAME}_ntf`;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    DB_NAME,
    REDIS_KEY_PREFIX: `${process.env.DB_NAME}:ntf-${randomBytes(3).toString('hex')}:`,
    REMINDER_LEAD: '2s',
  });
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

async function notificationsOf(user: Session, query = ''): Promise<NotificationJson[]> {
  const res = await t.http.get(`${NOTIFICATIONS}${query}`).set(user.auth).expect(200);
  return res.body as NotificationJson[];
}

async function ofTask(user: Session, taskId: number, type: string): Promise<NotificationJson[]> {
  return (await notificationsOf(user)).filter((n) => n.task_id === taskId && n.type === type);
}

/** Polls until `user` has a notification of `type` for the task. */
function awaitNotification(
  user: Session,
  taskId: number,
  type: string,
  timeoutMs = 10_000,
): Promise<NotificationJson> {
  return waitFor(async () => (await ofTask(user, taskId, type))[0], {
    timeoutMs,
    intervalMs: 200,
    what: `${type} notification of task ${taskId} for user ${user.id}`,
  });
}

/** Asserts, again and again until `deadline` (epoch ms) has passed, that `probe` finds nothing. */
async function expectNoneUntil(deadline: number, probe: () => Promise<unknown[]>): Promise<void> {
  for (;;) {
    expect(await probe()).toEqual([]);
    if (Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function reminderJob(taskId: number, dueDate: string): Promise<unknown> {
  return t.app.get(JobsService).getJob('reminders', `reminder-${taskId}-${Date.parse(dueDate)}`);
}

/** Polls until every event of the task has been dispatched to the consumers. */
function awaitAllDispatched(taskId: number): Promise<true> {
  return waitFor(
    async () => {
      const rows = await t.app
        .get(DataSource)
        .query<Array<{ pending: string | number }>>(
          'SELECT COUNT(*) AS pending FROM task_events WHERE task_id = ? AND dispatched_at IS NULL',
          [taskId],
        );
      return Number(rows[0].pending) === 0;
    },
    { timeoutMs: 10_000, intervalMs: 100, what: `dispatch of the events of task ${taskId}` },
  );
}

function eventsOf(taskId: number, type: string): Promise<Array<{ id: string; payload: string }>> {
  return t.app
    .get(DataSource)
    .query('SELECT id, payload FROM task_events WHERE task_id = ? AND event_type = ? ORDER BY id', [
      taskId,
      type,
    ]);
}

describe('Notifications (e2e)', () => {
  it('should notify the assignee of an assignment, and not the owner', async () => {
    const owner = await signUp(t.http);
    const assignee = await signUp(t.http);
    const task = await createTask(t.http, owner, {
      title: '完成项目文档',
      assignee_id: assignee.id,
    });

    const notification = await awaitNotification(assignee, task.id, 'assigned');
    expect(Object.keys(notification).sort()).toEqual(NOTIFICATION_KEYS);
    expect(notification).toMatchObject({
      type: 'assigned',
      task_id: task.id,
      project_id: null,
      read_at: null,
    });
    expect(notification.message).toContain('完成项目文档');
    expect(Number.isInteger(notification.id)).toBe(true);
    expect(new Date(notification.created_at).toISOString()).toBe(notification.created_at);
    // The owner's notifications are written in the same transaction as the assignee's.
    expect(await ofTask(owner, task.id, 'assigned')).toEqual([]);

    // Reassigning by an update notifies the new assignee too.
    const next = await signUp(t.http);
    await t.http
      .patch(`${TASKS}/${task.id}`)
      .set(owner.auth)
      .send({ assignee_id: next.id })
      .expect(200);
    await awaitNotification(next, task.id, 'assigned');
    expect(await ofTask(assignee, task.id, 'assigned')).toHaveLength(1);
  });

  it('should filter unread ones and mark one read idempotently, for its user only', async () => {
    const owner = await signUp(t.http);
    const assignee = await signUp(t.http);
    const stranger = await signUp(t.http);
    // Events of different tasks are dispatched in parallel: wait for the first notification
    // before causing the second, so that their order is known.
    const first = await createTask(t.http, owner, { assignee_id: assignee.id });
    const older = await awaitNotification(assignee, first.id, 'assigned');
    const second = await createTask(t.http, owner, { assignee_id: assignee.id });
    const newer = await awaitNotification(assignee, second.id, 'assigned');

    // Newest first.
    const all = await notificationsOf(assignee);
    expect(all.map((n) => n.id)).toEqual([newer.id, older.id]);

    // Another user can neither see nor mark it; an unknown id is the same 404.
    expect(await notificationsOf(stranger)).toEqual([]);
    const foreign = await t.http
      .post(`${NOTIFICATIONS}/${older.id}/read`)
      .set(stranger.auth)
      .expect(404);
    expect(foreign.body).toMatchObject(errorBody('NOT_FOUND'));
    await t.http.post(`${NOTIFICATIONS}/4294967295/read`).set(assignee.auth).expect(404);
    const badId = await t.http.post(`${NOTIFICATIONS}/abc/read`).set(assignee.auth).expect(400);
    expect(detailFields(badId.body)).toEqual(['id']);
    await t.http.post(`${NOTIFICATIONS}/${older.id}/read`).expect(401);
    await t.http.get(NOTIFICATIONS).expect(401);

    const marked = await t.http
      .post(`${NOTIFICATIONS}/${older.id}/read`)
      .set(assignee.auth)
      .expect(204);
    expect(marked.text).toBe('');

    const afterRead = await notificationsOf(assignee);
    const readAt = afterRead.find((n) => n.id === older.id)?.read_at;
    expect(typeof readAt).toBe('string');
    expect(Date.parse(readAt as string)).toBeGreaterThanOrEqual(Date.parse(older.created_at));
    expect((await notificationsOf(assignee, '?unread=true')).map((n) => n.id)).toEqual([newer.id]);
    expect((await notificationsOf(assignee, '?unread=false')).map((n) => n.id)).toEqual([
      newer.id,
      older.id,
    ]);

    // Marking again is fine and keeps the first read time.
    await t.http.post(`${NOTIFICATIONS}/${older.id}/read`).set(assignee.auth).expect(204);
    expect((await notificationsOf(assignee)).find((n) => n.id === older.id)?.read_at).toBe(readAt);

    const invalid = await t.http.get(`${NOTIFICATIONS}?unread=yes`).set(assignee.auth).expect(400);
    expect(invalid.body).toMatchObject(errorBody('VALIDATION_FAILED'));
    expect(detailFields(invalid.body)).toEqual(['unread']);
  });

  it('should not notify twice when an event is delivered again', async () => {
    const owner = await signUp(t.http);
    const assignee = await signUp(t.http);
    const task = await createTask(t.http, owner, { assignee_id: assignee.id });
    await awaitNotification(assignee, task.id, 'assigned');
    const [event] = await eventsOf(task.id, 'task.assigned');
    const eventId = Number(event.id);
    const db = t.app.get(DataSource);

    // Redeliver: forget that the event was dispatched and queue its dispatch again.
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
      { timeoutMs: 10_000, intervalMs: 100, what: `redispatch of event ${eventId}` },
    );

    expect(await ofTask(assignee, task.id, 'assigned')).toHaveLength(1);
    const rows = await db.query<Array<{ n: string | number }>>(
      'SELECT COUNT(*) AS n FROM notifications WHERE event_id = ?',
      [eventId],
    );
    expect(Number(rows[0].n)).toBe(1);
  });
});

describe('Reminders (e2e, REMINDER_LEAD=2s)', () => {
  const inMs = (ms: number): string => new Date(Date.now() + ms).toISOString();

  it('should notify owner and assignee and record task.due_soon when a task is due soon', async () => {
    const owner = await signUp(t.http);
    const assignee = await signUp(t.http);
    const task = await createTask(t.http, owner, {
      title: 'due soon',
      assignee_id: assignee.id,
      due_date: inMs(3000),
    });

    const forOwner = await awaitNotification(owner, task.id, 'due_soon');
    const forAssignee = await awaitNotification(assignee, task.id, 'due_soon');
    expect(forOwner.message).toContain('due soon');
    expect(forAssignee.message).toContain(task.due_date as string);

    const events = await eventsOf(task.id, 'task.due_soon');
    expect(events).toHaveLength(1);
    const payload = JSON.parse(events[0].payload) as { after: { due_date: string } };
    expect(payload.after.due_date).toBe(task.due_date);
  });

  it('should fire at once when the lead time has already begun', async () => {
    const owner = await signUp(t.http);
    const task = await createTask(t.http, owner, { due_date: inMs(1500) });
    await awaitNotification(owner, task.id, 'due_soon', 5000);
  });

  it('should move the reminder when the due date moves', async () => {
    const owner = await signUp(t.http);
    const oldDue = Date.now() + 4000;
    const task = await createTask(t.http, owner, { due_date: new Date(oldDue).toISOString() });
    const newDue = new Date(Date.now() + 8000).toISOString();
    await t.http
      .patch(`${TASKS}/${task.id}`)
      .set(owner.auth)
      .send({ due_date: newDue })
      .expect(200);
    // Once the update is dispatched, the queue holds the new reminder and not the old one.
    await awaitAllDispatched(task.id);
    expect(await reminderJob(task.id, task.due_date as string)).toBeUndefined();
    expect(await reminderJob(task.id, newDue)).toMatchObject({
      data: { taskId: task.id, dueAt: newDue },
    });

    // Nothing at the old reminder time (old due - 2 s), nor up to the old due date itself.
    await expectNoneUntil(oldDue + 500, () => ofTask(owner, task.id, 'due_soon'));
    const moved = await awaitNotification(owner, task.id, 'due_soon');
    expect(moved.message).toContain(newDue);
    const events = await eventsOf(task.id, 'task.due_soon');
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0].payload).after.due_date).toBe(newDue);
  });

  it('should cancel the reminder when the task is completed or deleted first', async () => {
    const owner = await signUp(t.http);
    const assignee = await signUp(t.http);
    const due = Date.now() + 4000;
    const body = { assignee_id: assignee.id, due_date: new Date(due).toISOString() };
    const completed = await createTask(t.http, owner, body);
    const deleted = await createTask(t.http, owner, body);
    await t.http
      .patch(`${TASKS}/${completed.id}`)
      .set(assignee.auth)
      .send({ status: 'completed' })
      .expect(200);
    await t.http.delete(`${TASKS}/${deleted.id}`).set(owner.auth).expect(200);
    await awaitAllDispatched(completed.id);
    await awaitAllDispatched(deleted.id);
    expect(await reminderJob(completed.id, body.due_date)).toBeUndefined();
    expect(await reminderJob(deleted.id, body.due_date)).toBeUndefined();

    // Past the would-be reminder time and the due date itself: no notification, no event.
    await expectNoneUntil(due + 500, async () => [
      ...(await ofTask(owner, completed.id, 'due_soon')),
      ...(await ofTask(assignee, completed.id, 'due_soon')),
      ...(await ofTask(owner, deleted.id, 'due_soon')),
      ...(await ofTask(assignee, deleted.id, 'due_soon')),
    ]);
    expect(await eventsOf(completed.id, 'task.due_soon')).toEqual([]);
    expect(await eventsOf(deleted.id, 'task.due_soon')).toEqual([]);
  });
});
