import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './helpers/app';
import { createAccessToken } from './helpers/access-tokens';
import { Session, signUp } from './helpers/factories';
import type { Response } from 'supertest';
import {
  detailFieldsOf,
  errorCodes,
  GqlBody,
  GRAPHQL,
  gqlData,
  gqlRequest,
  messagesOf,
} from './helpers/graphql';
import { createTask, NO_RATE_LIMITS } from './helpers/tasks';

/**
 * What the GraphQL endpoint refuses before running anything, and how: depth, cost, size, bad
 * documents and variables, auth and scopes. Every refusal is a GraphQL error with a REST code
 * (or the REST status for the whole request), never a 500 and never a stack.
 */
describe('GraphQL limits, bad input and auth (e2e)', () => {
  let t: TestApp;
  let user: Session;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    user = await signUp(t.http);
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t?.close();
  });

  const run = (query: string, variables?: Record<string, unknown>) =>
    gqlRequest(t.http, user.auth, query, variables);

  const expectRefused = (res: Response, status = 400): void => {
    expect(res.status).toBe(status);
    expect(messagesOf(res).length).toBeGreaterThan(0);
    for (const error of (res.body as GqlBody).errors ?? []) {
      expect(error.extensions.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(error)).not.toMatch(/stack|at \w+ \(/);
    }
  };

  describe('depth', () => {
    it('should run the deepest real queries and refuse one deeper than 10 levels, fragments included', async () => {
      // The schema nests at most 5 levels (tasks → nodes → project → labels → id) and graphql-js
      // caps introspection's own nesting, so only a document that asks for more is refused.
      const real = await run(
        `{ tasks { nodes { project { labels { id } } comments { author { id } } } } }`,
      );
      expect(real.body.errors).toBeUndefined();
      // GraphiQL's type references nest `ofType`, which does not count.
      const typeRefs = await run(
        `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } }`,
      );
      expect(typeRefs.body.errors).toBeUndefined();
      const levels = (n: number): string =>
        Array.from({ length: n }, (_, i) => `f${i}`).reduceRight(
          (inner, f) => `${f} { ${inner} }`,
          'x',
        );
      const deep = await run(`{ ${levels(11)} }`);
      expectRefused(deep);
      expect(messagesOf(deep)).toContain('The operation is 12 levels deep; at most 10 are allowed');
      const viaFragments = `
        query { tasks { ...A } }
        fragment A on TaskPage { nodes { ...B } }
        fragment B on Task { project { a { b { ...C } } } }
        fragment C on Project { c { d { e { f { g { h } } } } } }`;
      const res = await run(viaFragments);
      expectRefused(res);
      expect(messagesOf(res).some((m) => /levels deep/.test(m))).toBe(true);
    });

    it('should refuse fragment cycles and a fragment bomb quickly, as validation errors', async () => {
      expectRefused(
        await run(`query { me { ...A } } fragment A on User { ...B } fragment B on User { ...A }`),
      );
      const defs = ['fragment F0 on User { id username }'];
      for (let i = 1; i <= 30; i++)
        defs.push(`fragment F${i} on User { ...F${i - 1} ...F${i - 1} }`);
      // 2^30 spreads once expanded: the cost estimate stops counting at 10,000 nodes.
      expectRefused(await run(`query { me { ...F30 } } ${defs.join(' ')}`));
      const small = await run(`query { me { ...F3 } } ${defs.slice(0, 4).join(' ')}`);
      expect(small.body).toEqual({ data: { me: { id: user.id, username: user.username } } });
    });
  });

  describe('cost', () => {
    it('should run a page of 100 tasks and refuse the same with per-task comments', async () => {
      const ok = await run(
        `{ tasks(pageSize: 100) { totalCount nodes { id title assignee { id } labels { id } } } }`,
      );
      expect(ok.status).toBe(200);
      const res = await run(
        `{ tasks(pageSize: 100) { nodes { id comments(pageSize: 100) { id body } } } }`,
      );
      expectRefused(res);
      expect(res.body.errors[0].message).toMatch(/estimated cost/);
    });

    it('should count the page size given by a variable', async () => {
      const query = `query($n: Int) { tasks(pageSize: $n) { nodes { id comments(pageSize: 50) { id } } } }`;
      expect((await run(query, { n: 1 })).status).toBe(200);
      expectRefused(await run(query, { n: 100 }));
    });

    it('should refuse an expensive field repeated 1,000 times through aliases', async () => {
      const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: me { id }`).join(' ');
      expectRefused(await run(`{ ${aliases} }`));
      const tasks = Array.from({ length: 1000 }, (_, i) => `t${i}: tasks { totalCount }`).join(' ');
      const res = await run(`{ ${tasks} }`);
      expect([400, 413]).toContain(res.status);
    });
  });

  describe('bad documents and variables', () => {
    it.each([
      ['a syntax error', '{ me { id '],
      ['an unknown field', '{ me { id password } }'],
      ['an unknown argument', '{ me(id: 1) { id } }'],
      ['a missing selection', '{ me }'],
      ['an empty document', ''],
      ['a JSON object instead of a document', '{}'],
      ['a JSON array instead of a document', '[1, 2]'],
      ['a JSON syntax tree', '{"kind": "Document", "definitions": [{}]}'],
      ['two anonymous operations', '{ me { id } } { me { id } }'],
    ])('should refuse %s with 400 VALIDATION_FAILED', async (_name, query) => {
      expectRefused(await run(query));
    });

    it('should refuse variables of the wrong type', async () => {
      expectRefused(await run(`query($id: Int!) { task(id: $id) { id } }`, { id: 'one' }));
      expectRefused(await run(`query($id: Int!) { task(id: $id) { id } }`, { id: 2 ** 40 }));
      expectRefused(await run(`query($id: Int!) { task(id: $id) { id } }`));
      expectRefused(
        await run(`query($f: TaskFilter) { tasks(filter: $f) { totalCount } }`, {
          f: { status: ['done'] },
        }),
      );
    });

    it('should refuse a request without a query, or a body that is not JSON', async () => {
      const none = await t.http.post(GRAPHQL).set(user.auth).send({ variables: {} });
      expect(none.status).toBe(400);
      const malformed = await t.http
        .post(GRAPHQL)
        .set(user.auth)
        .set('Content-Type', 'application/json')
        .send('{"query": ');
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    });

    it('should refuse a 100 KiB query with 413 (or as too many tokens), before parsing it', async () => {
      const big = `{ me { id } } # ${'x'.repeat(100 * 1024)}`;
      const res = await run(big);
      expect(res.status).toBe(413);
      expect(res.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
      const manyTokens = `{ me { ${'id '.repeat(10_000)} } }`;
      expectRefused(await run(manyTokens));
    });

    it('should refuse a filter value REST refuses, naming the field', async () => {
      const res = await run(
        `{ tasks(pageSize: 1000, filter: { dueBefore: "soon" }) { totalCount } }`,
      );
      expect(res.status).toBe(200);
      expect(errorCodes(res)).toEqual(['VALIDATION_FAILED']);
      expect(detailFieldsOf(res).sort()).toEqual(['dueBefore', 'pageSize']);
    });
  });

  describe('GET', () => {
    it('should run a query by GET and refuse a mutation by GET', async () => {
      const query = encodeURIComponent('{ me { id } }');
      const res = await t.http.get(`${GRAPHQL}?query=${query}`).set(user.auth).expect(200);
      expect(res.body).toEqual({ data: { me: { id: user.id } } });
      const mutation = encodeURIComponent(
        'mutation { createProject(input: { name: "x" }) { id } }',
      );
      const refused = await t.http.get(`${GRAPHQL}?query=${mutation}`).set(user.auth);
      expect(refused.status).toBe(405);
      expect(refused.body.errors[0].extensions.code).toBe('METHOD_NOT_ALLOWED');
    });
  });

  describe('auth', () => {
    it('should answer UNAUTHORIZED without a token or with a bad one, per field', async () => {
      const none = await gqlRequest(t.http, undefined, '{ me { id } }');
      expect(none.status).toBe(200);
      expect(none.body.data).toBeNull();
      expect(errorCodes(none)).toEqual(['UNAUTHORIZED']);
      for (const token of ['garbage', `${user.token}x`, `tms_${'A'.repeat(43)}`]) {
        const res = await gqlRequest(t.http, { Authorization: `Bearer ${token}` }, '{ me { id } }');
        expect(errorCodes(res)).toEqual(['UNAUTHORIZED']);
      }
    });

    it('should hold a personal access token to the scopes of the matching REST routes', async () => {
      const owner = await signUp(t.http);
      const task = await createTask(t.http, owner);
      const reader = await createAccessToken(t.http, owner, ['tasks:read']);
      const ok = await gqlData(
        t.http,
        reader.auth,
        `query($id: Int!) { me { id } task(id: $id) { id creator { id } commentCount } tasks { totalCount } }`,
        { id: task.id },
      );
      expect(ok.task).toEqual({ id: task.id, creator: { id: owner.id }, commentCount: 0 });
      const field = await gqlRequest(
        t.http,
        reader.auth,
        `query($id: Int!) { task(id: $id) { id project { id } } }`,
        { id: task.id },
      );
      expect(field.body.data.task).toEqual({ id: task.id, project: null });
      expect(errorCodes(field)).toEqual(['FORBIDDEN']);
      expect(field.body.errors[0].message).toMatch(/projects:read/);
      const write = await gqlRequest(
        t.http,
        reader.auth,
        `mutation { createTask(input: { title: "x" }) { id } }`,
      );
      expect(errorCodes(write)).toEqual(['FORBIDDEN']);
      expect(write.body.errors[0].message).toMatch(/tasks:write/);
      for (const query of ['{ projects { id } }', '{ notifications { id } }', '{ users { id } }']) {
        expect(errorCodes(await gqlRequest(t.http, reader.auth, query))).toEqual(['FORBIDDEN']);
      }
      const writer = await createAccessToken(t.http, owner, ['tasks:write']);
      const created = await gqlData(
        t.http,
        writer.auth,
        `mutation { createTask(input: { title: "by token" }) { title } }`,
      );
      expect(created.createTask).toEqual({ title: 'by token' });
    });

    it('should answer UNAUTHORIZED once a personal access token expired', async () => {
      const owner = await signUp(t.http);
      const token = await createAccessToken(t.http, owner, ['tasks:read']);
      await gqlData(t.http, token.auth, '{ me { id } }');
      await db.query(
        'UPDATE personal_access_tokens SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE id = ?',
        [token.id],
      );
      expect(errorCodes(await gqlRequest(t.http, token.auth, '{ me { id } }'))).toEqual([
        'UNAUTHORIZED',
      ]);
    });

    it('should count GraphQL requests against the same per-user rate limit as REST', async () => {
      // Only the per-user limit is small: the per-IP counters (anonymous requests, sign-up and
      // login) are shared with every app of this run on the same Redis prefix.
      const limited = await startTestApp({ ...NO_RATE_LIMITS, RATE_LIMIT_PER_MINUTE: '3' });
      try {
        const someone = await signUp(limited.http);
        await limited.http.get('/api/v1/users/me').set(someone.auth).expect(200);
        const first = await gqlRequest(limited.http, someone.auth, '{ me { id } }');
        expect(first.status).toBe(200);
        expect(first.headers['x-ratelimit-remaining']).toBe('1');
        await gqlRequest(limited.http, someone.auth, '{ me { id } }').then((r) =>
          expect(r.status).toBe(200),
        );
        const refused = await gqlRequest(limited.http, someone.auth, '{ me { id } }');
        expect(refused.status).toBe(429);
        expect(refused.headers['retry-after']).toBeDefined();
        expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
      } finally {
        await limited.close();
      }
    });
  });

  it('should serve GraphiQL at /graphiql outside production', async () => {
    const res = await t.http.get('/graphiql').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/unpkg\.com/);
  });

  it('should keep the REST error shape for a malformed JSON body beside GraphQL', async () => {
    const res = await t.http
      .post('/api/v1/tasks')
      .set(user.auth)
      .set('Content-Type', 'application/json')
      .send('{"title": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: expect.any(String),
      code: 'VALIDATION_FAILED',
      request_id: expect.any(String),
    });
  });
});
