import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JobsService } from '../src/jobs/jobs.service';
import { DEFAULT_REDELIVERY_OPTIONS } from '../src/jobs/outbox-redelivery';
import { MailOutboxRedeliveryService } from '../src/mail/mail-outbox-redelivery.service';
import { OutboxRedeliveryService } from '../src/tasks/events/outbox-redelivery.service';
import { emailsTo, EmailTestApp, finishedJob, startEmailApp } from './helpers/email-app';
import { Session, signUp } from './helpers/factories';
import { PrivateRedis } from './helpers/redis';
import { createTask } from './helpers/tasks';
import { waitFor } from './helpers/wait';

/**
 * Jobs that Redis loses after the relay marked their rows published (a restart without
 * persistence, a job deleted) are queued again by the outboxes' redelivery sweeps; a job that
 * still exists, failed included, is left alone, and so is a row inside the grace period. The
 * sweeps are called directly with a clock past the grace period instead of waiting a minute.
 */
let redis: PrivateRedis;
let t: EmailTestApp;

beforeAll(async () => {
  redis = await PrivateRedis.create();
  try {
    t = await startEmailApp('redeliver', { REDIS_PORT: String(redis.port) });
  } catch (error) {
    await redis.kill();
    throw error;
  }
});

afterAll(async () => {
  if (t as EmailTestApp | undefined) await t.close();
  await redis.kill();
});

/** A clock as it will read once rows published now are past the grace period. */
function pastGrace(): Date {
  return new Date(Date.now() + DEFAULT_REDELIVERY_OPTIONS.graceMs + 1000);
}

function jobs(): JobsService {
  return t.app.get(JobsService);
}

interface EventRow {
  id: string;
  published_at: Date | null;
  dispatched_at: Date | null;
}

function eventsOf(taskId: number): Promise<EventRow[]> {
  return t.app
    .get(DataSource)
    .query(
      'SELECT id, published_at, dispatched_at FROM task_events WHERE task_id = ? ORDER BY id',
      [taskId],
    );
}

/** Polls until the task's events have all been published (their jobs added) and answers them. */
function publishedEventsOf(taskId: number): Promise<EventRow[]> {
  return waitFor(
    async () => {
      const rows = await eventsOf(taskId);
      return rows.length > 0 && rows.every((row) => row.published_at) ? rows : undefined;
    },
    { timeoutMs: 15_000, what: `the published events of task ${taskId}` },
  );
}

/** Polls until `user` has an in-app notification of `type` for the task. */
function notified(user: Session, taskId: number, type: string): Promise<true> {
  return waitFor(
    async () => {
      const res = await t.http.get('/api/v1/notifications').set(user.auth).expect(200);
      return (res.body as Array<{ task_id: number; type: string }>).some(
        (n) => n.task_id === taskId && n.type === type,
      );
    },
    { timeoutMs: 20_000, intervalMs: 100, what: `${type} notification of task ${taskId}` },
  );
}

async function redeliveredCount(outbox: string): Promise<number> {
  const metrics = await t.http.get('/metrics').expect(200);
  const match = new RegExp(`^outbox_redelivered_total\\{outbox="${outbox}"\\} (\\d+)$`, 'm').exec(
    metrics.text,
  );
  return match ? Number(match[1]) : 0;
}

describe('Outbox redelivery (e2e)', () => {
  it('should dispatch an event whose job a Redis restart lost, once past the grace period, and not before', async () => {
    const sweep = t.app.get(OutboxRedeliveryService);
    const owner = await signUp(t.http);
    const assignee = await signUp(t.http);
    // No worker takes the job before Redis loses it.
    await jobs().queue('events').pause();
    const task = await createTask(t.http, owner, { assignee_id: assignee.id });
    // task.created and task.assigned.
    const published = await publishedEventsOf(task.id);
    expect(published).toHaveLength(2);
    for (const row of published) {
      const job = await jobs().getJob('events', `event-${row.id}`);
      expect(job?.data).toEqual({ eventId: Number(row.id) });
    }

    // Inside the grace period the rows are not even read; past it, their jobs exist: left alone.
    await expect(sweep.sweep()).resolves.toEqual({ checked: 0, redelivered: 0 });
    await expect(sweep.sweep(pastGrace())).resolves.toEqual({ checked: 2, redelivered: 0 });
    expect(await eventsOf(task.id)).toEqual(published);

    // While Redis is down a sweep fails at once and changes nothing.
    await redis.kill();
    const started = Date.now();
    await expect(sweep.sweep(pastGrace())).rejects.toThrow('The job queue is unavailable');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await eventsOf(task.id)).toEqual(published);

    // Redis restarts empty: the jobs, and the pause, are gone; the rows still say published.
    await redis.start();
    const swept = await waitFor(() => sweep.sweep(pastGrace()), {
      timeoutMs: 15_000,
      intervalMs: 200,
      what: 'a sweep once Redis is back',
    });
    expect(swept).toEqual({ checked: 2, redelivered: 2 });

    // The relay queued them again, and their consumers ran: the assignee is notified (and
    // emailed).
    await notified(assignee, task.id, 'assigned');
    await emailsTo(t.smtp, assignee.email);
    const dispatched = await waitFor(
      async () => {
        const rows = await eventsOf(task.id);
        return rows.every((row) => row.dispatched_at) ? rows : undefined;
      },
      { timeoutMs: 15_000, what: `the dispatched events of task ${task.id}` },
    );
    dispatched.forEach((row, i) =>
      expect(row.published_at!.getTime()).toBeGreaterThan(published[i].published_at!.getTime()),
    );
    expect(await redeliveredCount('task-events')).toBe(2);
    // Handled rows are no longer read.
    await expect(sweep.sweep(pastGrace())).resolves.toEqual({ checked: 0, redelivered: 0 });
  });

  it('should send an email whose job was deleted from the queue, and leave directly sent emails alone', async () => {
    const sweep = t.app.get(MailOutboxRedeliveryService);
    const db = t.app.get(DataSource);
    const owner = await signUp(t.http);
    const assignee = await signUp(t.http);
    await jobs().queue('mail').pause();
    const task = await createTask(t.http, owner, { assignee_id: assignee.id });
    const email = await waitFor(
      async () => {
        const rows = await db.query<Array<{ id: string; published_at: Date | null }>>(
          'SELECT id, published_at FROM email_messages WHERE recipient = ?',
          [assignee.email],
        );
        return rows[0]?.published_at ? rows[0] : undefined;
      },
      { timeoutMs: 15_000, what: `the published email of task ${task.id}` },
    );
    // A password reset's row: sent by its own job, never by the relay, and not sent yet.
    const direct = new Date(Date.now() - 5 * 60_000);
    const directRow = await db.query<{ insertId: number }>(
      'INSERT INTO email_messages (kind, source_id, recipient, message_id, content, created_at, published_at, attempts) VALUES (?, ?, ?, ?, NULL, ?, ?, 0)',
      [
        'password_reset',
        randomUUID(),
        assignee.email,
        `<${randomUUID()}@example.test>`,
        direct,
        direct,
      ],
    );

    await expect(jobs().queue('mail').remove(`email-${email.id}`)).resolves.toBe(1);
    await jobs().queue('mail').resume();
    await expect(sweep.sweep(pastGrace())).resolves.toEqual({ checked: 1, redelivered: 1 });

    const [sent] = await emailsTo(t.smtp, assignee.email);
    expect(sent.mail.subject).toMatch(/^You were assigned: /);
    expect(await redeliveredCount('email')).toBe(1);
    const [directAfter] = await db.query<Array<{ published_at: Date; sent_at: Date | null }>>(
      'SELECT published_at, sent_at FROM email_messages WHERE id = ?',
      [directRow.insertId],
    );
    expect(directAfter).toEqual({ published_at: direct, sent_at: null });
  });

  it('should leave alone an event whose job failed after its last attempt', async () => {
    const sweep = t.app.get(OutboxRedeliveryService);
    const owner = await signUp(t.http);
    await jobs().queue('events').pause();
    const task = await createTask(t.http, owner);
    const published = await publishedEventsOf(task.id);
    expect(published).toHaveLength(1);
    const jobId = `event-${published[0].id}`;
    // In place of its job, one under the same id that fails for good: its event does not
    // exist (a permanent failure, not retried).
    await expect(jobs().queue('events').remove(jobId)).resolves.toBe(1);
    await jobs().enqueue('events.dispatch', { eventId: 0 }, { jobId });
    await jobs().queue('events').resume();
    await expect(finishedJob(t, 'events', jobId)).resolves.toMatchObject({ state: 'failed' });

    await expect(sweep.sweep(pastGrace())).resolves.toEqual({ checked: 1, redelivered: 0 });
    expect(await eventsOf(task.id)).toEqual(published);
    expect(await redeliveredCount('task-events')).toBe(2);
  });
});
