import type { AddressInfo } from 'node:net';
import { createApp, HTTP_TIMEOUTS } from '../src/app.setup';
import { MAX_JSON_DEPTH } from '../src/common/http/json-depth';
import { startTestApp, TestApp } from './helpers/app';
import { errorBody, Session, signUp } from './helpers/factories';
import { RawResponse, rawExchange, rawGet } from './helpers/raw-http';
import { createTask, NO_RATE_LIMITS, TASKS } from './helpers/tasks';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `{"title": "x", "description": [[…]]}`, nested `depth` levels deep in all (the body is one). */
function nestedBody(depth: number): string {
  const arrays = depth - 1;
  return `{"title":"x","description":${'['.repeat(arrays)}${']'.repeat(arrays)}}`;
}

/** The contract's error shape on a raw response, with the body's id in `X-Request-Id`. */
function expectContractError(res: RawResponse, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(body).toEqual(errorBody(code));
  expect(res.headers['x-request-id']).toBe(body.request_id);
}

describe('HTTP hardening (e2e)', () => {
  let t: TestApp;
  let port: number;
  let owner: Session;

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    owner = await signUp(t.http);
  });

  afterAll(async () => {
    await t.close();
  });

  describe('deeply nested JSON', () => {
    it(`should refuse ${MAX_JSON_DEPTH + 1} levels with 400 before validation, and take ${MAX_JSON_DEPTH}`, async () => {
      const tooDeep = await t.http
        .post(TASKS)
        .set(owner.auth)
        .set('Content-Type', 'application/json')
        .send(nestedBody(MAX_JSON_DEPTH + 1))
        .expect(400);
      expect(tooDeep.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(tooDeep.body.details).toEqual([
        { field: 'body', message: expect.stringMatching(/32/) },
      ]);

      // 32 levels reach validation, which refuses an array as the description.
      const atLimit = await t.http
        .post(TASKS)
        .set(owner.auth)
        .set('Content-Type', 'application/json')
        .send(nestedBody(MAX_JSON_DEPTH))
        .expect(400);
      const fields = (atLimit.body.details as Array<{ field: string }>).map((d) => d.field);
      expect(new Set(fields)).toEqual(new Set(['description']));
    });

    it.each([
      ['POST /tasks', TASKS, true],
      ['PATCH /tasks/{id}', `${TASKS}/1`, true],
      ['POST /auth/login', '/api/v1/auth/login', false],
      ['POST /auth/register', '/api/v1/auth/register', false],
      ['POST /webhooks', '/api/v1/webhooks', true],
    ])('should answer 5,000 levels on %s with 400, not 500', async (_name, path, auth) => {
      const method = path.endsWith('/1') ? 'patch' : 'post';
      const req = t.http[method](path).set('Content-Type', 'application/json');
      if (auth) void req.set(owner.auth);
      const res = await req.send(nestedBody(5000)).expect(400);
      expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(res.body.details[0].field).toBe('body');
    });

    it('should not be fooled by brackets inside strings', async () => {
      const title = `${'['.repeat(50)}{{{`;
      const task = await createTask(t.http, owner, { title });
      expect(task.title).toBe(title);
    });
  });

  describe('errors of the static files behind /docs', () => {
    it.each(['/docs/..', '/docs/%2e%2e', '/docs/%00', '/docs/%2e%2e/%2e%2e/etc/passwd'])(
      'should answer %s with its 4xx in the contract shape',
      async (path) => {
        const res = await rawExchange(port, rawGet(path));
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        const body = JSON.parse(res.body) as { code: string; error: string };
        expectContractError(res, res.status, body.code);
        expect(body.error).not.toMatch(/\/|node_modules|swagger/i);
      },
    );
  });

  describe('errors raised below the framework', () => {
    it('should answer a path parameter over the limit with 414, without echoing the path', async () => {
      const long = 'x'.repeat(300);
      const res = await rawExchange(port, rawGet(`${TASKS}/${long}`));
      expectContractError(res, 414, 'VALIDATION_FAILED');
      expect(res.body).not.toContain(long);
    });

    it('should answer bad percent-encoding with 400', async () => {
      const res = await rawExchange(port, rawGet('/api/v1/%zz'));
      expectContractError(res, 400, 'VALIDATION_FAILED');
      expect(res.body).not.toContain('%zz');
    });

    it("should keep a caller's sane request id on a router error", async () => {
      const res = await rawExchange(port, rawGet('/api/v1/%zz', 'X-Request-Id: trace-414\r\n'));
      expect(res.headers['x-request-id']).toBe('trace-414');
    });

    it('should answer headers over the size limit with 431 and a generated request id', async () => {
      const res = await rawExchange(port, rawGet(TASKS, `X-Big: ${'a'.repeat(20_000)}\r\n`));
      expectContractError(res, 431, 'VALIDATION_FAILED');
      expect(res.headers['x-request-id']).toMatch(UUID);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it.each(['\x01', '\x00', '\x7f'])(
      'should answer an Idempotency-Key holding byte %j with 400',
      async (byte) => {
        const request = Buffer.from(
          `POST ${TASKS} HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${owner.auth.Authorization}\r\n` +
            `Idempotency-Key: key${byte}1\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"title":"x"}`,
          'latin1',
        );
        expectContractError(await rawExchange(port, request), 400, 'VALIDATION_FAILED');
      },
    );

    it('should answer a non-ASCII Idempotency-Key (which Node lets through) with 400 too', async () => {
      const res = await t.http
        .post(TASKS)
        .set(owner.auth)
        .set('Idempotency-Key', 'key\u00ff1')
        .send({ title: 'x' })
        .expect(400);
      expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
    });
  });

  describe('path ids', () => {
    let id: number;

    beforeAll(async () => {
      id = (await createTask(t.http, owner, { title: 'canonical' })).id;
    });

    it.each(['0x1', '1e0', '+1', '01', '%201', '1%20', '1.0', '00001'])(
      'should refuse the task id %s with 400 naming id',
      async (raw) => {
        const path = raw.replace(/1/, String(id));
        const res = await t.http.get(`${TASKS}/${path}`).set(owner.auth).expect(400);
        expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
        expect(res.body.details).toEqual([{ field: 'id', message: expect.any(String) }]);
      },
    );

    it('should read the task at its canonical id', async () => {
      await t.http.get(`${TASKS}/${id}`).set(owner.auth).expect(200);
    });

    it.each([
      ['PATCH', '/api/v1/webhooks/01'],
      ['DELETE', '/api/v1/webhooks/+1'],
      ['GET', '/api/v1/webhooks/0x1/deliveries'],
      ['POST', '/api/v1/notifications/1e0/read'],
      ['DELETE', `${TASKS}/01`],
      ['PUT', `${TASKS}/+1`],
    ])('should refuse a non-canonical id on %s %s', async (method, path) => {
      const req = t.http[method.toLowerCase() as 'get'](path).set(owner.auth);
      const res = method === 'PATCH' || method === 'PUT' ? await req.send({}) : await req;
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([{ field: 'id', message: expect.any(String) }]);
    });
  });

  describe('Cache-Control', () => {
    it('should never let a token response be stored (login, refresh, register)', async () => {
      const user = { username: `cc_${Date.now() % 1e8}`, email: `cc.${Date.now()}@example.com` };
      const password = 'cache-control-pw';
      const register = await t.http
        .post('/api/v1/auth/register')
        .send({ ...user, password })
        .expect(201);
      const login = await t.http
        .post('/api/v1/auth/login')
        .send({ email: user.email, password })
        .expect(200);
      const refresh = await t.http
        .post('/api/v1/auth/refresh')
        .send({ refresh_token: login.body.refresh_token })
        .expect(200);
      for (const res of [register, login, refresh]) {
        expect(res.headers['cache-control']).toBe('no-store');
      }
    });

    it('should keep user data out of shared caches', async () => {
      const task = await createTask(t.http, owner, { title: 'private' });
      const reads = await Promise.all([
        t.http.get('/api/v1/users/me').set(owner.auth),
        t.http.get(TASKS).set(owner.auth),
        t.http.get(`${TASKS}/${task.id}`).set(owner.auth),
      ]);
      for (const res of reads) {
        expect(res.status).toBe(200);
        expect(res.headers['cache-control']).toBe('private, no-cache');
      }

      const writes = await Promise.all([
        t.http.post(TASKS).set(owner.auth).send({ title: 'written' }),
        t.http.patch(`${TASKS}/${task.id}`).set(owner.auth).send({ title: 'renamed' }),
        t.http.get('/api/v1/users/me'),
        t.http.get(`${TASKS}/999999999`).set(owner.auth),
      ]);
      expect(writes.map((r) => r.status)).toEqual([201, 200, 401, 404]);
      for (const res of writes) expect(res.headers['cache-control']).toBe('no-store');
    });
  });

  describe('validation cost', () => {
    it('should answer 8,000 unknown fields with at most 20 details', async () => {
      const body: Record<string, unknown> = { title: 'x' };
      for (let i = 0; i < 8000; i += 1) body[`k${i}`] = i;
      const res = await t.http.post(TASKS).set(owner.auth).send(body).expect(400);
      expect(res.body.details).toHaveLength(20);
      expect(res.body.error).toMatch(/and 7980 more$/);
      expect(Buffer.byteLength(JSON.stringify(res.body))).toBeLessThan(4096);
    });

    it('should refuse a field holding thousands of values without walking them', async () => {
      const res = await t.http
        .post(TASKS)
        .set(owner.auth)
        .send({ title: 'x', description: Array.from({ length: 8000 }, (_, i) => i) })
        .expect(400);
      expect(res.body.details).toEqual([{ field: 'description', message: expect.any(String) }]);
    });
  });

  describe('timeouts', () => {
    it('should bound how long a client may take to send a request', () => {
      const server = t.app.getHttpServer();
      expect(server.requestTimeout).toBe(HTTP_TIMEOUTS.requestTimeout);
      expect(server.headersTimeout).toBe(HTTP_TIMEOUTS.headersTimeout);
      expect(server.keepAliveTimeout).toBe(HTTP_TIMEOUTS.keepAliveTimeout);
      expect(server.timeout).toBe(HTTP_TIMEOUTS.connectionTimeout);
      expect(HTTP_TIMEOUTS.requestTimeout).toBeGreaterThan(0);
      expect(HTTP_TIMEOUTS.requestTimeout).toBeLessThanOrEqual(60_000);
      expect(HTTP_TIMEOUTS.headersTimeout).toBeLessThanOrEqual(HTTP_TIMEOUTS.requestTimeout);
    });

    describe('with a 1 s request timeout', () => {
      let fast: Awaited<ReturnType<typeof createApp>>;
      let fastPort: number;

      beforeAll(async () => {
        fast = await createApp({
          timeouts: {
            requestTimeout: 1000,
            headersTimeout: 1000,
            connectionsCheckingInterval: 100,
          },
        });
        await fast.listen(0, '127.0.0.1');
        fastPort = (fast.getHttpServer().address() as AddressInfo).port;
      });

      afterAll(async () => {
        await fast.close();
      });

      it('should cut off a body sent one byte at a time with 408', async () => {
        const body = JSON.stringify({ email: 'slow@example.com', password: 'slow-password' });
        let timer: NodeJS.Timeout | undefined;
        const res = await rawExchange(
          fastPort,
          `POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body[0]}`,
          {
            timeoutMs: 8000,
            then: (write) => {
              let sent = 1;
              timer = setInterval(() => {
                if (sent < body.length && write(body[sent])) sent += 1;
              }, 250);
            },
          },
        ).finally(() => clearInterval(timer));
        expectContractError(res, 408, 'VALIDATION_FAILED');
        expect(res.closedAfterMs).toBeLessThan(4000);
      });

      it('should cut off headers sent one byte at a time with 408', async () => {
        const head = `GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: ${'s'.repeat(50)}\r\n\r\n`;
        let timer: NodeJS.Timeout | undefined;
        const res = await rawExchange(fastPort, head[0], {
          timeoutMs: 8000,
          then: (write) => {
            let sent = 1;
            timer = setInterval(() => {
              if (sent < head.length && write(head[sent])) sent += 1;
            }, 100);
          },
        }).finally(() => clearInterval(timer));
        expectContractError(res, 408, 'VALIDATION_FAILED');
        expect(res.closedAfterMs).toBeLessThan(4000);
      });
    });
  });
});
