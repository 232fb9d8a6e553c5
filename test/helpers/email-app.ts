import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { JobsService } from '../../src/jobs/jobs.service';
import type { QueueName } from '../../src/jobs/job-registry';
import { baseConnection } from '../setup/test-env';
import { startTestApp, TestApp } from './app';
import { startSmtpServer, TestSmtpServer } from './smtp';
import { NO_RATE_LIMITS } from './tasks';
import { waitFor } from './wait';

export const APP_URL = 'https://app.example.test';
export const API_URL = 'https://api.example.test';

export interface EmailTestApp extends TestApp {
  smtp: TestSmtpServer;
}

/**
 * The app with a real SMTP server of its own, on a database and queue prefix of its own (no
 * app of another spec, without SMTP, may take its email jobs). Retries back off from 100 ms.
 */
export async function startEmailApp(
  suffix: string,
  env: Record<string, string> = {},
): Promise<EmailTestApp> {
  const smtp = await startSmtpServer();
  const dbName = `${process.env.DB_NAME}_${suffix}`;
  let t: TestApp;
  try {
    t = await startTestApp({
      ...NO_RATE_LIMITS,
      DB_NAME: dbName,
      REDIS_KEY_PREFIX: `${process.env.DB_NAME}:${suffix}-${randomBytes(3).toString('hex')}:`,
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Tasks <tasks@example.test>',
      PUBLIC_APP_URL: APP_URL,
      PUBLIC_API_URL: API_URL,
      JOB_BACKOFF_MS: '100',
      ...env,
    });
  } catch (error) {
    await smtp.close();
    throw error;
  }
  return {
    ...t,
    smtp,
    close: async () => {
      await t.close();
      await smtp.close();
      const connection = await createConnection(baseConnection());
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
      } finally {
        await connection.end();
      }
    },
  };
}

/** Polls until the job has finished (completed or failed) and answers its state and result. */
export function finishedJob(
  t: TestApp,
  queue: QueueName,
  jobId: string,
): Promise<{ state: string; returnvalue: unknown }> {
  return waitFor(
    async () => {
      const job = await t.app.get(JobsService).getJob(queue, jobId);
      if (!job) return undefined;
      const state = await job.getState();
      return state === 'completed' || state === 'failed'
        ? { state, returnvalue: job.returnvalue as unknown }
        : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 100, what: `job ${jobId} of ${queue}` },
  );
}

/** Polls until `address` has received `count` emails and answers them. */
export function emailsTo(
  smtp: TestSmtpServer,
  address: string,
  count = 1,
): Promise<TestSmtpServer['received']> {
  return waitFor(() => (smtp.to(address).length >= count ? smtp.to(address) : undefined), {
    timeoutMs: 15_000,
    intervalMs: 100,
    what: `${count} email(s) to ${address}`,
  });
}
