import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { JobsService } from '../src/jobs/jobs.service';
import { startTestApp, TestApp } from './helpers/app';
import { APP_URL, emailsTo, EmailTestApp, finishedJob, startEmailApp } from './helpers/email-app';
import { errorBody, newUser, Session, signUp } from './helpers/factories';
import { detailFields } from './helpers/tasks';
import { waitFor } from './helpers/wait';

const FORGOT = '/api/v1/auth/password/forgot';
const RESET = '/api/v1/auth/password/reset';
const LINK = new RegExp(`${APP_URL.replace(/\./g, '\\.')}/reset-password\\?token=([A-Za-z0-9_-]+)`);

let t: EmailTestApp;

beforeAll(async () => {
  t = await startEmailApp('pwreset');
});

afterAll(async () => {
  if (t as EmailTestApp | undefined) await t.close();
});

/** Asks for a reset of `email` and answers the token of the `nth` email it then received. */
async function requestReset(email: string, nth = 1): Promise<string> {
  const res = await t.http.post(FORGOT).send({ email }).expect(202);
  expect(res.body).toEqual({ message: expect.any(String) });
  const emails = await emailsTo(t.smtp, email, nth);
  const match = LINK.exec(emails[nth - 1].mail.text ?? '');
  if (!match) throw new Error(`no reset link in ${emails[nth - 1].mail.text}`);
  return match[1];
}

/** The finished password-reset jobs of an address (the request id is not returned). */
async function resetJobsOf(email: string): Promise<Job[]> {
  const jobs = await t.app.get(JobsService).queue('mail').getJobs(['completed', 'failed'], 0, 1000);
  return jobs.filter((job) => job.name === 'mail.password-reset' && job.data.email === email);
}

describe('Password reset by email (e2e)', () => {
  it('should email a link that resets the password once and ends every session', async () => {
    const user = await signUp(t.http);
    const other = await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);

    const token = await requestReset(user.email);
    const [email] = t.smtp.to(user.email);
    expect(email.mail.subject).toBe('Reset your password');
    expect(email.mail.from?.value).toEqual([{ name: 'Tasks', address: 'tasks@example.test' }]);
    expect(email.mail.messageId).toMatch(
      /^<password_reset\.[0-9a-f-]{36}\.[0-9a-f]{16}@example\.test>$/,
    );
    expect(email.mail.text).toContain(`Hello ${user.username},`);
    expect(email.mail.text).toContain('30 minutes');
    expect(email.mail.html).toContain(`href="${APP_URL}/reset-password?token=${token}"`);
    // No unsubscribe header on a password reset: it is not a notification.
    expect(email.mail.headerLines.map((h) => h.key)).not.toContain('list-unsubscribe');
    // Only the token's hash is stored.
    const rows = await t.app
      .get(DataSource)
      .query<Array<{ token_hash: string }>>(
        'SELECT token_hash FROM password_reset_tokens WHERE user_id = ?',
        [user.id],
      );
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].token_hash).not.toContain(token);

    const newPassword = 'brand-new-password-1';
    const done = await t.http.post(RESET).send({ token, new_password: newPassword }).expect(204);
    expect(done.text).toBe('');

    // The old password is gone, the new one works; every refresh token was revoked.
    await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(401);
    await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: newPassword })
      .expect(200);
    for (const refresh of [user.refreshToken, other.body.refresh_token as string]) {
      await t.http.post('/api/v1/auth/refresh').send({ refresh_token: refresh }).expect(401);
    }

    // Single use.
    const again = await t.http
      .post(RESET)
      .send({ token, new_password: 'another-password-2' })
      .expect(400);
    expect(again.body).toMatchObject(errorBody('VALIDATION_FAILED'));
    expect(detailFields(again.body)).toEqual(['token']);
  });

  it('should refuse an expired token, and spend older tokens when one is used', async () => {
    const user = await signUp(t.http);
    const first = await requestReset(user.email);
    const second = await requestReset(user.email, 2);
    expect(second).not.toBe(first);
    await t.app
      .get(DataSource)
      .query(
        'UPDATE password_reset_tokens SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE user_id = ? ORDER BY id LIMIT 1',
        [user.id],
      );
    const expired = await t.http
      .post(RESET)
      .send({ token: first, new_password: 'expired-password-1' })
      .expect(400);
    expect(detailFields(expired.body)).toEqual(['token']);
    // The password did not change.
    await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);

    const third = await requestReset(user.email, 3);
    await t.http.post(RESET).send({ token: third, new_password: 'third-password-3' }).expect(204);
    // The second link, still young, died with the reset.
    await t.http.post(RESET).send({ token: second, new_password: 'second-password-2' }).expect(400);
  });

  it('should answer 202 for an unknown email and send nothing', async () => {
    const unknown = newUser().email;
    const res = await t.http.post(FORGOT).send({ email: unknown.toUpperCase() }).expect(202);
    expect(res.body).toEqual({ message: expect.any(String) });
    const [job] = await waitFor(
      async () => {
        const jobs = await resetJobsOf(unknown);
        return jobs.length > 0 && (await jobs[0].isCompleted()) ? jobs : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'the reset job of an unknown email' },
    );
    expect(job.returnvalue).toEqual({ outcome: 'no-account' });
    expect(t.smtp.to(unknown)).toEqual([]);
    const rows = await t.app
      .get(DataSource)
      .query<Array<{ n: string | number }>>(
        'SELECT COUNT(*) AS n FROM email_messages WHERE recipient = ?',
        [unknown],
      );
    expect(Number(rows[0].n)).toBe(0);
  });

  it('should send one email when the reset job is delivered again', async () => {
    const user = await signUp(t.http);
    const token = await requestReset(user.email);
    const [job] = await resetJobsOf(user.email);
    // Deliver the same request again (as after a worker crash): the same link, not resent.
    const jobs = t.app.get(JobsService);
    await jobs.enqueue('mail.password-reset', job.data, { jobId: `again-${job.id}` });
    const rerun = await finishedJob(t, 'mail', `again-${job.id}`);
    expect(rerun).toEqual({ state: 'completed', returnvalue: { outcome: 'already-sent' } });
    expect(t.smtp.to(user.email)).toHaveLength(1);
    // And the token still works (the retry kept its hash).
    await t.http.post(RESET).send({ token, new_password: 'after-redelivery-1' }).expect(204);
  });

  it('should refuse bad input with 400 naming the field, never 500', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ token: 'x'.repeat(5000), new_password: 'long-enough-1' }, 'token'],
      [{ token: '', new_password: 'long-enough-1' }, 'token'],
      [{ token: 12345, new_password: 'long-enough-1' }, 'token'],
      [{ token: 'unknown-token', new_password: 'short' }, 'new_password'],
      [{ token: 'unknown-token', new_password: 'p'.repeat(73) }, 'new_password'],
      [{ token: 'unknown-token', new_password: 'long-enough-1' }, 'token'],
      [{ token: 'unknown-token', new_password: 'long-enough-1', user_id: 1 }, 'user_id'],
    ];
    for (const [body, field] of cases) {
      const res = await t.http.post(RESET).send(body);
      expect({ body, status: res.status, fields: detailFields(res.body) }).toEqual({
        body,
        status: 400,
        fields: [field],
      });
    }
    for (const email of ['not-an-email', '', 'a'.repeat(300) + '@example.com']) {
      const res = await t.http.post(FORGOT).send({ email }).expect(400);
      expect(detailFields(res.body)).toEqual(['email']);
    }
    await t.http.post(FORGOT).send({}).expect(400);
  });
});

describe('Password reset without SMTP_URL (e2e)', () => {
  let bare: TestApp;
  let user: Session;

  beforeAll(async () => {
    bare = await startTestApp({
      RUN_WORKERS: 'false',
      RATE_LIMIT_AUTH_PER_MINUTE: '3',
      // Its own counters: the per-IP auth counter is shared by every app on one key prefix, and
      // the other apps of the run sign users up within the same minute.
      REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}no-smtp:`,
    });
  });

  afterAll(async () => {
    if (bare as TestApp | undefined) await bare.close();
  });

  it('should answer 503 to forgot-password, within the auth rate limit', async () => {
    // Registered through the emailing app: this one allows three auth requests a minute.
    user = await signUp(t.http);
    for (const email of [user.email, newUser().email]) {
      const res = await bare.http.post(FORGOT).send({ email }).expect(503);
      expect(res.body).toMatchObject(errorBody('SERVICE_UNAVAILABLE'));
      expect(res.body.error).toContain('SMTP_URL');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    await bare.http.post(RESET).send({ token: 'x', new_password: 'long-enough-1' }).expect(400);
    const limited = await bare.http.post(FORGOT).send({ email: user.email }).expect(429);
    expect(limited.body).toMatchObject(errorBody('RATE_LIMITED'));
  });
});
