import type { AddressInfo } from 'node:net';
import { startTestApp, TestApp } from './helpers/app';
import { errorBody, Session, signUp } from './helpers/factories';
import { createTask, NO_RATE_LIMITS, TASKS } from './helpers/tasks';
import { waitFor } from './helpers/wait';

const IN_FLIGHT = 2;
const BURST = 60;

describe('Overload (e2e)', () => {
  let t: TestApp;
  let base: string;
  let owner: Session;

  beforeAll(async () => {
    t = await startTestApp({ ...NO_RATE_LIMITS, HTTP_MAX_IN_FLIGHT: String(IN_FLIGHT) });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    owner = await signUp(t.http);
    for (let i = 0; i < 3; i += 1) await createTask(t.http, owner, { title: `overload ${i}` });
  });

  afterAll(async () => {
    await t.close();
  });

  it('should shed a burst past the in-flight limit with 503 and Retry-After, never 500', async () => {
    // Each request on its own connection, all at once, as a crowd of clients would send them.
    const burst = Array.from({ length: BURST }, () =>
      fetch(`${base}${TASKS}`, { headers: owner.auth }).then(async (res) => ({
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        requestId: res.headers.get('x-request-id'),
        body: (await res.json()) as Record<string, unknown>,
      })),
    );
    const probes = Promise.all(
      ['/health/live', '/health/ready', '/metrics'].map((path) =>
        fetch(`${base}${path}`).then(async (res) => (await res.text(), res.status)),
      ),
    );
    const answers = await Promise.all(burst);

    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    const shed = answers.filter((a) => a.status === 503);
    expect(shed.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(IN_FLIGHT);
    for (const answer of shed) {
      expect(answer.retryAfter).toMatch(/^[1-9]\d*$/);
      expect(answer.body).toEqual(errorBody('SERVICE_UNAVAILABLE'));
      expect(answer.body.request_id).toBe(answer.requestId);
    }
    // Health checks and metrics are never shed.
    expect(await probes).toEqual([200, 200, 200]);
  });

  it('should shed GraphQL requests past the same limit, never 500', async () => {
    const query = JSON.stringify({ query: '{ tasks { totalCount nodes { id title } } }' });
    const answers = await Promise.all(
      Array.from({ length: BURST }, () =>
        fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { ...owner.auth, 'content-type': 'application/json' },
          body: query,
        }).then(async (res) => {
          await res.arrayBuffer();
          return { status: res.status, retryAfter: res.headers.get('retry-after') };
        }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(IN_FLIGHT);
    for (const answer of answers.filter((a) => a.status === 503)) {
      expect(answer.retryAfter).toMatch(/^[1-9]\d*$/);
    }
  });

  it('should serve again once the burst has passed', async () => {
    await waitFor(
      async () => (await fetch(`${base}${TASKS}`, { headers: owner.auth })).status === 200,
      { timeoutMs: 5000, what: 'GET /tasks to answer 200' },
    );
    const sequential: number[] = [];
    for (let i = 0; i < 2 * IN_FLIGHT + 1; i += 1) {
      sequential.push((await t.http.get(TASKS).set(owner.auth)).status);
    }
    expect(sequential.every((s) => s === 200)).toBe(true);
  });

  it('should count the shed requests in the HTTP metrics', async () => {
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/http_requests_total\{[^}]*status="503"[^}]*\} [1-9]/);
  });
});
