import type { ParsedMail } from 'mailparser';
import { DataSource } from 'typeorm';
import { JobsService } from '../src/jobs/jobs.service';
import {
  API_URL,
  APP_URL,
  emailsTo,
  EmailTestApp,
  finishedJob,
  startEmailApp,
} from './helpers/email-app';
import { errorBody, Session, signUp } from './helpers/factories';
import { createTask, detailFields, TASKS } from './helpers/tasks';
import { waitFor } from './helpers/wait';

const SETTINGS = '/api/v1/users/me/notification-settings';
const ALL_ON = {
  email_assigned: true,
  email_mentioned: true,
  email_commented: true,
  email_due_soon: true,
};

/** REMINDER_LEAD=2s: a task due in 3 s sends its reminder about a second after creation. */
let t: EmailTestApp;

beforeAll(async () => {
  t = await startEmailApp('mailntf', { REMINDER_LEAD: '2s' });
});

afterAll(async () => {
  if (t as EmailTestApp | undefined) await t.close();
});

function db(): DataSource {
  return t.app.get(DataSource);
}

/** Polls until `user` has an in-app notification of `type` for the task; answers its id. */
async function notificationId(user: Session, taskId: number, type: string): Promise<number> {
  return waitFor(
    async () => {
      const res = await t.http.get('/api/v1/notifications').set(user.auth).expect(200);
      const found = (res.body as Array<{ id: number; task_id: number; type: string }>).find(
        (n) => n.task_id === taskId && n.type === type,
      );
      return found?.id;
    },
    { timeoutMs: 15_000, intervalMs: 100, what: `${type} notification of task ${taskId}` },
  );
}

async function emailRows(
  kind: string,
  sourceId: number,
): Promise<Array<{ id: string; attempts: number; sent_at: Date | null; content: string | null }>> {
  return db().query(
    'SELECT id, attempts, sent_at, content FROM email_messages WHERE kind = ? AND source_id = ?',
    [kind, String(sourceId)],
  );
}

/** A header as sent (unfolded), or undefined. */
function rawHeader(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line
    ?.slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}

/** The URL of the List-Unsubscribe header (`<url>`), as a path on this server. */
function unsubscribePath(mail: ParsedMail): string {
  const header = rawHeader(mail, 'List-Unsubscribe');
  const url = /^<([^>]+)>/.exec(header ?? '')?.[1];
  if (!url || !url.startsWith(`${API_URL}/api/v1/unsubscribe?token=`)) {
    throw new Error(`unexpected List-Unsubscribe ${header}`);
  }
  return url.slice(API_URL.length);
}

describe('Notification emails (e2e)', () => {
  it('should email an assignment with its Chinese title in the text and HTML parts', async () => {
    const owner = await signUp(t.http);
    const assignee = await signUp(t.http);
    const title = '完成项目文档 <b>"Q3" & 报告</b>';
    const task = await createTask(t.http, owner, { title, assignee_id: assignee.id });

    const [email] = await emailsTo(t.smtp, assignee.email);
    const { mail } = email;
    expect(mail.subject).toBe(`You were assigned: ${title}`);
    expect(mail.text).toContain(`Task: ${title}`);
    expect(mail.text).toContain(`Hello ${assignee.username},`);
    expect(mail.text).toContain(`${APP_URL}/tasks/${task.id}`);
    // The HTML part shows the title escaped, never as markup.
    expect(mail.html).toContain('完成项目文档 &lt;b&gt;&quot;Q3&quot; &amp; 报告&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>"Q3"');
    expect(mail.html).toContain(`href="${APP_URL}/tasks/${task.id}"`);
    // RFC 8058 one-click unsubscribe.
    expect(unsubscribePath(mail)).toMatch(
      new RegExp(`^/api/v1/unsubscribe\\?token=${assignee.id}\\.assigned\\.[A-Za-z0-9_-]{43}$`),
    );
    expect(rawHeader(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.messageId).toMatch(/^<assigned\.\d+\.[0-9a-f]{16}@example\.test>$/);
    // The owner assigned the task and is told nothing.
    const id = await notificationId(assignee, task.id, 'assigned');
    const [row] = await emailRows('assigned', id);
    expect(row.sent_at).not.toBeNull();
    expect(row.content).toBeNull();
    expect(t.smtp.to(owner.email)).toEqual([]);
    const metrics = await t.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^email_relay_lag_seconds \d/m);
  });

  it('should email the due-date reminder to creator and assignee', async () => {
    const owner = await signUp(t.http);
    const assignee = await signUp(t.http);
    const due = new Date(Date.now() + 3000).toISOString();
    const task = await createTask(t.http, owner, {
      title: '提交季度报告',
      assignee_id: assignee.id,
      due_date: due,
    });
    const [forOwner] = await emailsTo(t.smtp, owner.email);
    expect(forOwner.mail.subject).toBe('Due soon: 提交季度报告');
    expect(forOwner.mail.text).toContain(`Due: ${due}`);
    expect(forOwner.mail.html).toContain(`href="${APP_URL}/tasks/${task.id}"`);
    expect(unsubscribePath(forOwner.mail)).toContain(`token=${owner.id}.due_soon.`);
    // The assignee gets the assignment and the reminder.
    const forAssignee = await emailsTo(t.smtp, assignee.email, 2);
    expect(forAssignee.map((e) => e.mail.subject).sort()).toEqual([
      'Due soon: 提交季度报告',
      'You were assigned: 提交季度报告',
    ]);
  });

  it('should read, change and validate the email settings', async () => {
    const user = await signUp(t.http);
    expect((await t.http.get(SETTINGS).set(user.auth).expect(200)).body).toEqual(ALL_ON);
    const changed = await t.http
      .patch(SETTINGS)
      .set(user.auth)
      .send({ email_commented: false })
      .expect(200);
    expect(changed.body).toEqual({ ...ALL_ON, email_commented: false });
    const back = await t.http
      .patch(SETTINGS)
      .set(user.auth)
      .send({ email_due_soon: false, email_commented: true })
      .expect(200);
    expect(back.body).toEqual({ ...ALL_ON, email_due_soon: false });
    expect((await t.http.get(SETTINGS).set(user.auth).expect(200)).body).toEqual(back.body);

    const bad: Array<[unknown, string]> = [
      [{}, 'body'],
      [{ email_assigned: 'false' }, 'email_assigned'],
      [{ email_assigned: null }, 'email_assigned'],
      [{ email_mentioned: 0 }, 'email_mentioned'],
      [{ email_everything: false }, 'email_everything'],
      [{ user_id: 1, email_assigned: false }, 'user_id'],
    ];
    for (const [body, field] of bad) {
      const res = await t.http
        .patch(SETTINGS)
        .set(user.auth)
        .send(body as object);
      expect({ body, status: res.status, fields: detailFields(res.body) }).toEqual({
        body,
        status: 400,
        fields: [field],
      });
    }
    await t.http.get(SETTINGS).expect(401);
    await t.http.patch(SETTINGS).send({ email_assigned: false }).expect(401);
  });

  it('should send no assignment email once the switch is off', async () => {
    const owner = await signUp(t.http);
    const assignee = await signUp(t.http);
    await t.http.patch(SETTINGS).set(assignee.auth).send({ email_assigned: false }).expect(200);
    const task = await createTask(t.http, owner, { assignee_id: assignee.id });
    // The email would be queued in the notification's own transaction: once the notification
    // is there, no email row means no email, ever.
    const id = await notificationId(assignee, task.id, 'assigned');
    expect(await emailRows('assigned', id)).toEqual([]);
    expect(t.smtp.to(assignee.email)).toEqual([]);
  });

  it('should turn a kind off by the one-click link, without signing in', async () => {
    const owner = await signUp(t.http);
    const assignee = await signUp(t.http);
    await createTask(t.http, owner, { assignee_id: assignee.id });
    const [email] = await emailsTo(t.smtp, assignee.email);
    const path = unsubscribePath(email.mail);

    // GET only confirms (previews and scanners fetch links).
    const page = await t.http.get(path).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<form method="post"');
    expect((await t.http.get(SETTINGS).set(assignee.auth).expect(200)).body).toEqual(ALL_ON);

    // RFC 8058: the mail provider POSTs a form, with no credentials.
    const res = await t.http
      .post(path)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('List-Unsubscribe=One-Click')
      .expect(200);
    expect(res.body).toEqual({ setting: 'email_assigned', enabled: false });
    expect((await t.http.get(SETTINGS).set(assignee.auth).expect(200)).body).toEqual({
      ...ALL_ON,
      email_assigned: false,
    });
    // Again (idempotent), and as multipart/form-data, which RFC 8058 also allows.
    await t.http.post(path).field('List-Unsubscribe', 'One-Click').expect(200);

    // No further assignment email.
    const next = await createTask(t.http, owner, { assignee_id: assignee.id });
    const id = await notificationId(assignee, next.id, 'assigned');
    expect(await emailRows('assigned', id)).toEqual([]);
    expect(t.smtp.to(assignee.email)).toHaveLength(1);
  });

  it('should refuse a tampered or malformed unsubscribe token with 400', async () => {
    const owner = await signUp(t.http);
    const victim = await signUp(t.http);
    await createTask(t.http, owner, { assignee_id: victim.id });
    const [email] = await emailsTo(t.smtp, victim.email);
    const path = unsubscribePath(email.mail);
    const token = decodeURIComponent(path.split('token=')[1]);
    const [, , signature] = token.split('.');
    const flipped = signature[0] === 'A' ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    const tampered = [
      `${victim.id}.assigned.${flipped}`,
      `${owner.id}.assigned.${signature}`,
      `${victim.id}.due_soon.${signature}`,
      `${victim.id}.project_added.${signature}`,
      `${victim.id}.constructor.${signature}`,
      `${victim.id}.assigned`,
      'garbage',
      'x'.repeat(150),
    ];
    for (const bad of tampered) {
      for (const method of ['get', 'post'] as const) {
        const res = await t.http[method](`/api/v1/unsubscribe?token=${encodeURIComponent(bad)}`);
        expect({ bad, method, status: res.status, fields: detailFields(res.body) }).toEqual({
          bad,
          method,
          status: 400,
          fields: ['token'],
        });
      }
    }
    const tooLong = await t.http.post(`/api/v1/unsubscribe?token=${'x'.repeat(5000)}`);
    expect(tooLong.status).toBe(400);
    const missing = await t.http.post('/api/v1/unsubscribe').expect(400);
    expect(missing.body).toMatchObject(errorBody('VALIDATION_FAILED'));
    expect((await t.http.get(SETTINGS).set(victim.auth).expect(200)).body).toEqual(ALL_ON);
    expect((await t.http.get(SETTINGS).set(owner.auth).expect(200)).body).toEqual(ALL_ON);
    // Forms are still refused everywhere else.
    await t.http
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('email=a%40b.c&password=secret123')
      .expect(415);
  });

  it('should retry while the SMTP server refuses, and deliver once', async () => {
    const owner = await signUp(t.http);
    const assignee = await signUp(t.http);
    const refusedBefore = t.smtp.refused();
    t.smtp.refuseNext(2, 451);
    const task = await createTask(t.http, owner, { title: '重试', assignee_id: assignee.id });
    const emails = await emailsTo(t.smtp, assignee.email);
    expect(emails).toHaveLength(1);
    expect(emails[0].mail.subject).toBe('You were assigned: 重试');
    expect(t.smtp.refused() - refusedBefore).toBe(2);
    const id = await notificationId(assignee, task.id, 'assigned');
    const [row] = await emailRows('assigned', id);
    expect(row.attempts).toBe(3);
    expect(row.sent_at).not.toBeNull();
  });

  it('should send one email per notification when jobs and events are delivered again', async () => {
    const owner = await signUp(t.http);
    const assignee = await signUp(t.http);
    const task = await createTask(t.http, owner, { assignee_id: assignee.id });
    await emailsTo(t.smtp, assignee.email);
    const id = await notificationId(assignee, task.id, 'assigned');
    const [row] = await emailRows('assigned', id);
    const jobs = t.app.get(JobsService);

    // The send job again (a stalled job run twice, a second relay).
    await jobs.enqueue('mail.send', { emailId: Number(row.id) }, { jobId: `again-${row.id}` });
    expect(await finishedJob(t, 'mail', `again-${row.id}`)).toEqual({
      state: 'completed',
      returnvalue: { outcome: 'already-sent' },
    });

    // The task event again: no second notification, so no second email row.
    const [event] = await db().query<Array<{ id: string }>>(
      "SELECT id FROM task_events WHERE task_id = ? AND event_type = 'task.assigned'",
      [task.id],
    );
    await db().query('UPDATE task_events SET dispatched_at = NULL WHERE id = ?', [event.id]);
    await jobs.enqueue(
      'events.dispatch',
      { eventId: Number(event.id) },
      { jobId: `re-${event.id}` },
    );
    await finishedJob(t, 'events', `re-${event.id}`);

    // The relay again: the row is published a second time (as after a crash before the mark).
    await db().query('UPDATE email_messages SET published_at = NULL WHERE id = ?', [row.id]);
    await waitFor(
      async () => {
        const [again] = await db().query<Array<{ published_at: Date | null }>>(
          'SELECT published_at FROM email_messages WHERE id = ?',
          [row.id],
        );
        return again.published_at !== null;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the relay to publish the email again' },
    );
    await finishedJob(t, 'mail', `email-${row.id}`);

    const rows = await db().query<Array<{ n: string | number }>>(
      "SELECT COUNT(*) AS n FROM email_messages WHERE kind = 'assigned' AND recipient = ?",
      [assignee.email],
    );
    expect(Number(rows[0].n)).toBe(1);
    expect(t.smtp.to(assignee.email)).toHaveLength(1);
  });
});

describe('A sender that crashed mid-send (e2e)', () => {
  it('should send the email once its lease lapses, without spending the attempts', async () => {
    // As a worker leaves it when it dies after claiming: unsent, leased for 2 more seconds.
    const recipient = `crashed.${Date.now()}@example.test`;
    const content = JSON.stringify({
      subject: 'Left behind',
      text: 'text part',
      html: '<p>html</p>',
    });
    const inserted = await db().query<{ insertId: number }>(
      'INSERT INTO email_messages (kind, source_id, recipient, message_id, content, created_at, published_at, lease_until, attempts) ' +
        "VALUES ('assigned', ?, ?, ?, ?, NOW(3), NULL, NOW(3) + INTERVAL 2 SECOND, 1)",
      [`crash-${Date.now()}`, recipient, `<crash.${Date.now()}@example.test>`, content],
    );
    const id = Number(inserted.insertId);
    // The relay queues it; the job finds it leased, waits (JOB_ATTEMPTS would pass in well
    // under 2 s at this backoff), then sends it.
    const [email] = await emailsTo(t.smtp, recipient);
    expect(email.mail.subject).toBe('Left behind');
    expect(await finishedJob(t, 'mail', `email-${id}`)).toEqual({
      state: 'completed',
      returnvalue: { outcome: 'sent' },
    });
    const [row] = await db().query<Array<{ attempts: number; sent_at: Date | null }>>(
      'SELECT attempts, sent_at FROM email_messages WHERE id = ?',
      [id],
    );
    expect(row.attempts).toBe(2);
    expect(row.sent_at).not.toBeNull();
    expect(t.smtp.to(recipient)).toHaveLength(1);
  });
});

describe('Task updates (sanity, e2e)', () => {
  it('should email a reassignment to the new assignee only', async () => {
    const owner = await signUp(t.http);
    const first = await signUp(t.http);
    const second = await signUp(t.http);
    const task = await createTask(t.http, owner, { assignee_id: first.id });
    await emailsTo(t.smtp, first.email);
    await t.http
      .patch(`${TASKS}/${task.id}`)
      .set(owner.auth)
      .send({ assignee_id: second.id })
      .expect(200);
    await emailsTo(t.smtp, second.email);
    expect(t.smtp.to(first.email)).toHaveLength(1);
  });
});
