import type TestAgent from 'supertest/lib/agent';
import type { Session } from './factories';
import { TASKS, TaskJson } from './tasks';
import { waitFor } from './wait';

/**
 * Runs a JSON export of `user`'s visible tasks (`filters`: any listing filter) and returns the
 * exported tasks. The app's workers must run the export queue of its key prefix.
 */
export async function exportJson(
  http: TestAgent,
  user: Session,
  filters: Record<string, unknown> = {},
): Promise<TaskJson[]> {
  return JSON.parse(await exportFile(http, user, filters, 'json')) as TaskJson[];
}

/** `exportJson` in either format: the exported file as text. */
export async function exportFile(
  http: TestAgent,
  user: Session,
  filters: Record<string, unknown>,
  format: 'csv' | 'json',
): Promise<string> {
  const started = await http
    .post(`${TASKS}/export`)
    .set(user.auth)
    .send({ ...filters, format })
    .expect(202);
  const jobId = started.body.job_id as string;
  await waitFor(
    async () => {
      const res = await http.get(`/api/v1/jobs/${jobId}`).set(user.auth).expect(200);
      const { state, failed_reason } = res.body as { state: string; failed_reason: string };
      if (state === 'failed') throw new Error(`export ${jobId} failed: ${failed_reason}`);
      return state === 'completed';
    },
    { timeoutMs: 25_000, intervalMs: 100, what: `export ${jobId} to complete` },
  );
  const res = await http
    .get(`/api/v1/jobs/${jobId}/result`)
    .set(user.auth)
    .buffer(true)
    .parse((stream, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => callback(null, Buffer.concat(chunks)));
    })
    .expect(200);
  return (res.body as Buffer).toString('utf8');
}
