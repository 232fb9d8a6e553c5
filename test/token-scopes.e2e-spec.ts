import type { Test } from 'supertest';
import { startTestApp, TestApp } from './helpers/app';
import { ALL_SCOPES, AccessToken, createAccessToken } from './helpers/access-tokens';
import { Session, signUp } from './helpers/factories';

/**
 * Generated from the OpenAPI document: every operation, whoever added it, is held to the scope
 * it declares. A route that declares none (no `x-required-scope`) and is not public fails here,
 * so no route can forget its scope.
 */

interface Operation {
  operationId?: string;
  description?: string;
  security?: unknown[];
  'x-required-scope'?: string;
}

type OpenApiDocument = { paths: Record<string, Record<string, Operation>> };

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
type Method = (typeof METHODS)[number];

/** An id no row has: routes answer 404 (or 400 for a body), never 403, once past the scope. */
const FAKE_ID = '999999999';

interface Route {
  key: string;
  method: Method;
  path: string;
  op: Operation;
}

function routes(doc: OpenApiDocument): Route[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method] !== undefined).map((method) => ({
      key: `${method} ${path}`,
      method,
      path,
      op: item[method],
    })),
  );
}

/** Past authentication and the scope check (a 404 of a fake id or a 400 of an empty body is). */
const passed = (res: { status: number }): boolean =>
  res.status !== 401 && res.status !== 403 && res.status < 500;

const isPublic = (op: Operation): boolean => Array.isArray(op.security) && op.security.length === 0;

describe('Personal access token scopes on every route of the OpenAPI document (e2e)', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  let owner: Session;
  /** A token with every scope but the key; `only` a token with just the key. */
  const allBut = new Map<string, AccessToken>();
  const only = new Map<string, AccessToken>();
  let every: AccessToken;

  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
    owner = await signUp(t.http);
    for (const scope of ALL_SCOPES) {
      allBut.set(
        scope,
        await createAccessToken(
          t.http,
          owner,
          ALL_SCOPES.filter((s) => s !== scope),
        ),
      );
      only.set(scope, await createAccessToken(t.http, owner, [scope]));
    }
    every = await createAccessToken(t.http, owner, ALL_SCOPES);
  });

  afterAll(async () => {
    await t.close();
  });

  /** The request of a route with fake ids in its path; writes send an empty JSON body. */
  const call = (route: Route, auth: { Authorization: string }): Test => {
    const url = route.path.replace(/\{[^}]+\}/g, FAKE_ID);
    const req = t.http[route.method](url).set(auth);
    return route.method === 'get' || route.method === 'delete' ? req : req.send({});
  };

  it('should find the routes it checks', () => {
    const keys = routes(doc).map((r) => r.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'get /api/v1/tasks',
        'post /api/v1/users/me/tokens',
        'post /api/v1/users/me/password',
        'get /health/live',
      ]),
    );
    expect(keys.length).toBeGreaterThan(40);
  });

  it('should declare who may call every route: a scope, any token, a session only, or public', () => {
    const undeclared = routes(doc)
      .filter(({ op }) => !isPublic(op))
      .filter(({ op }) => ![...ALL_SCOPES, 'any', 'session'].includes(op['x-required-scope'] ?? ''))
      .map(({ key }) => key);
    expect(undeclared).toEqual([]);
    for (const { key, op } of routes(doc).filter((r) => isPublic(r.op))) {
      expect({ key, scope: op['x-required-scope'] }).toEqual({ key, scope: undefined });
    }
  });

  it('should state the scope in the description of every route a token may call', () => {
    for (const { key, op } of routes(doc)) {
      const scope = op['x-required-scope'];
      if (scope === undefined) continue;
      const expected =
        scope === 'session'
          ? 'a personal access token is refused (403)'
          : scope === 'any'
            ? 'Personal access tokens: any scope.'
            : `Personal access tokens need the \`${scope}\` scope.`;
      expect({ key, description: op.description }).toEqual({
        key,
        description: expect.stringContaining(expected),
      });
    }
  });

  it('should refuse a token without the scope with 403 naming it, and let one with it through', async () => {
    const scoped = routes(doc).filter(({ op }) =>
      (ALL_SCOPES as readonly string[]).includes(op['x-required-scope'] ?? ''),
    );
    expect(scoped.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    for (const route of scoped) {
      const scope = route.op['x-required-scope'] as string;
      const refused = await call(route, allBut.get(scope)!.auth);
      expect({ route: route.key, status: refused.status, body: refused.body }).toEqual({
        route: route.key,
        status: 403,
        body: {
          error: `this personal access token lacks the scope ${scope}`,
          code: 'FORBIDDEN',
          request_id: expect.any(String),
        },
      });
      const allowed = await call(route, only.get(scope)!.auth);
      if (!passed(allowed)) wrong.push(`${route.key}: ${allowed.status} ${allowed.text}`);
    }
    expect(wrong).toEqual([]);
  });

  it('should let any token call a route open to any scope', async () => {
    const open = routes(doc).filter(({ op }) => op['x-required-scope'] === 'any');
    expect(open.map((r) => r.key)).toContain('get /api/v1/users/me');
    const wrong: string[] = [];
    for (const route of open) {
      for (const scope of ALL_SCOPES) {
        const res = await call(route, only.get(scope)!.auth);
        if (!passed(res)) wrong.push(`${route.key} (${scope}): ${res.status} ${res.text}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('should refuse every token on session-only routes, which a session may call', async () => {
    const sessionOnly = routes(doc).filter(({ op }) => op['x-required-scope'] === 'session');
    expect(sessionOnly.map((r) => r.key).sort()).toEqual([
      'delete /api/v1/users/me/tokens/{id}',
      'get /api/v1/users/me/tokens',
      'post /api/v1/users/me/password',
      'post /api/v1/users/me/tokens',
    ]);
    const wrong: string[] = [];
    for (const route of sessionOnly) {
      const refused = await call(route, every.auth);
      expect({ route: route.key, status: refused.status, body: refused.body }).toEqual({
        route: route.key,
        status: 403,
        body: {
          error: 'this route needs a login session; personal access tokens are not accepted',
          code: 'FORBIDDEN',
          request_id: expect.any(String),
        },
      });
      const session = await call(route, owner.auth);
      if (!passed(session)) wrong.push(`${route.key}: ${session.status} ${session.text}`);
    }
    expect(wrong).toEqual([]);
  });
});
