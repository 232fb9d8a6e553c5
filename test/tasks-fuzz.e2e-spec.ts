import fc from 'fast-check';
import type { Response } from 'supertest';
import { startTestApp, TestApp } from './helpers/app';
import { Session, signUp } from './helpers/factories';
import { createTask, NO_RATE_LIMITS, TASKS } from './helpers/tasks';

/** No input may produce a 5xx, and every error has the contract's body. */
function expectWellFormed(res: Response): void {
  if (res.status >= 500) throw new Error(`answered ${res.status}: ${res.text}`);
  if (res.status >= 400) {
    expect(res.body).toEqual(
      expect.objectContaining({
        error: expect.any(String),
        code: expect.any(String),
        request_id: expect.any(String),
      }),
    );
  }
}

const weird = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);

const date = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(
    '2026-02-01T00:00:00Z',
    '99999-01-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '0000-01-01T00:00:00Z',
  ),
  fc.string(),
);

const taskBody = fc.record(
  {
    title: fc.oneof(fc.string({ maxLength: 250 }), weird),
    description: fc.oneof(fc.string({ maxLength: 300 }), weird),
    status: fc.oneof(fc.constantFrom('pending', 'in_progress', 'completed'), weird),
    priority: fc.oneof(fc.constantFrom('low', 'medium', 'high'), weird),
    due_date: fc.oneof(date, weird),
    assignee_id: fc.oneof(
      fc.integer(),
      fc.constantFrom(1, 0, -1, 4294967295, 4294967296, 1e20),
      weird,
    ),
    id: weird,
    user_id: weird,
  },
  { requiredKeys: [] },
);

const rawBody = fc.oneof(
  { weight: 4, arbitrary: taskBody.map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string() },
);

const QUERY_KEYS = [
  'status',
  'priority',
  'assignee_id',
  'scope',
  'q',
  'due_before',
  'due_after',
  'overdue',
  'sort',
  'order',
  'page',
  'page_size',
  'unknown',
] as const;

const queryValue = fc.oneof(
  fc.constantFrom(
    'pending',
    'in_progress,completed',
    'high,low',
    'none',
    'all',
    'owned',
    'assigned',
    'true',
    'false',
    'created_at',
    'updated_at',
    'due_date',
    'priority',
    'title',
    'asc',
    'desc',
    '1',
    '100',
    '0',
    '-1',
    '1e309',
    '99999999999999999999',
    '%',
    '_',
    '项目',
    '2026-02-01T00:00:00Z',
  ),
  fc.string(),
  fc.integer().map(String),
  date,
);

const queryString = fc
  .array(fc.tuple(fc.constantFrom(...QUERY_KEYS), queryValue), { maxLength: 6 })
  .map((pairs) => new URLSearchParams(pairs).toString());

describe('Tasks property-based (e2e)', () => {
  let t: TestApp;
  let owner: Session;
  let other: Session;
  let ids: number[];

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    [owner, other] = await Promise.all([signUp(t.http), signUp(t.http)]);
    ids = [];
    for (let i = 0; i < 5; i += 1) {
      ids.push((await createTask(t.http, owner, { assignee_id: other.id })).id);
      ids.push((await createTask(t.http, other, { assignee_id: owner.id })).id);
    }
  });

  afterAll(async () => {
    await t.close();
  });

  const idSegment = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 9 }).map((i) => String(ids[i])) },
    { weight: 1, arbitrary: fc.string({ minLength: 1 }).map(encodeURIComponent) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('0', '-1', '1.5', '4294967296', '1e3', '99999999999999999999'),
    },
  );
  const caller = fc.constantFrom('owner', 'other').map((who) => (who === 'owner' ? owner : other));

  it('POST /tasks never answers 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        caller,
        rawBody,
        fc.option(fc.string({ maxLength: 300 })),
        async (who, body, key) => {
          const req = t.http.post(TASKS).set(who.auth).set('Content-Type', 'application/json');
          if (key !== null && /^[\t\x20-\x7e\x80-\xff]*$/.test(key))
            req.set('Idempotency-Key', key);
          expectWellFormed(await req.send(body));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('GET /tasks never answers 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(caller, queryString, async (who, query) => {
        const res = await t.http.get(`${TASKS}?${query}`).set(who.auth);
        expectWellFormed(res);
        if (res.status === 200) {
          expect(Array.isArray(res.body)).toBe(true);
          expect(Number(res.headers['x-total-count'])).toBeGreaterThanOrEqual(res.body.length);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('GET /tasks/stats and GET /tasks/{id} never answer 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(caller, idSegment, queryString, async (who, id, query) => {
        expectWellFormed(await t.http.get(`${TASKS}/stats?${query}`).set(who.auth));
        expectWellFormed(await t.http.get(`${TASKS}/${id}`).set(who.auth));
      }),
      { numRuns: 25 },
    );
  });

  it('PUT and PATCH /tasks/{id} never answer 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        caller,
        fc.constantFrom('put', 'patch'),
        idSegment,
        rawBody,
        fc.option(fc.constantFrom('*', '"1-1"', 'W/"x"', 'garbage', '""')),
        async (who, method, id, body, ifMatch) => {
          const req = t.http[method](`${TASKS}/${id}`)
            .set(who.auth)
            .set('Content-Type', 'application/json');
          if (ifMatch !== null) req.set('If-Match', ifMatch);
          expectWellFormed(await req.send(body));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('DELETE /tasks/{id} never answers 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(caller, idSegment, async (who, id) => {
        expectWellFormed(await t.http.delete(`${TASKS}/${id}`).set(who.auth));
      }),
      { numRuns: 20 },
    );
  });
});
