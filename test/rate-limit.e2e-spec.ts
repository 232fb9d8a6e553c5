import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { Test } from 'supertest';
import { REDIS_CLIENT } from '../src/redis/redis.constants';
import { startTestApp, TestApp } from './helpers/app';
import { createAccessToken, TOKENS } from './helpers/access-tokens';
import { errorBody, newUser, signUp } from './helpers/factories';

/** A key prefix of its own, so these counters start at zero whatever else ran this minute. */
function isolatedPrefix(): string {
  return `${process.env.DB_NAME}:rl-${randomBytes(4).toString('hex')}:`;
}

/** A TCP port nobody listens on: Redis there is "down". */
const DEAD_REDIS_PORT = '1';

describe('Rate limits (e2e)', () => {
  describe('with Redis', () => {
    const limits = {
      RATE_LIMIT_PER_MINUTE: '6',
      RATE_LIMIT_IP_PER_MINUTE: '3',
      RATE_LIMIT_AUTH_PER_MINUTE: '40',
    };
    let a: TestApp;
    let b: TestApp;

    beforeAll(async () => {
      const env = { ...limits, REDIS_KEY_PREFIX: isolatedPrefix() };
      a = await startTestApp(env);
      b = await startTestApp(env);
    });

    afterAll(async () => {
      await Promise.all([a.close(), b.close()]);
    });

    it('should enforce the per-user limit across instances, exactly', async () => {
      const user = await signUp(a.http);
      const statuses: number[] = [];
      for (let i = 0; i < 10; i += 1) {
        const res = await (i % 2 === 0 ? a : b).http.get('/api/v1/users/me').set(user.auth);
        statuses.push(res.status);
        if (res.status === 200) {
          expect(res.headers['x-ratelimit-limit']).toBe('6');
          expect(Number(res.headers['x-ratelimit-remaining'])).toBe(6 - statuses.length);
          expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
        } else {
          expect(res.body).toEqual(errorBody('RATE_LIMITED'));
          expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        }
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429, 429, 429]);
    });

    it("should count a personal access token against its user's limit, refused scopes included", async () => {
      const user = await signUp(a.http);
      const token = await createAccessToken(a.http, user, ['tasks:read']);
      // Creating the token was the user's first request of the window.
      const statuses: number[] = [];
      const remaining: number[] = [];
      for (const [i, request] of [
        () => a.http.get('/api/v1/users/me').set(token.auth),
        () => b.http.get('/api/v1/users/me').set(user.auth),
        () => b.http.get('/api/v1/webhooks').set(token.auth), // 403: no `webhooks` scope
        () => a.http.get('/api/v1/tasks').set(token.auth),
        () => a.http.get('/api/v1/users/me').set(user.auth),
        () => b.http.get('/api/v1/users/me').set(token.auth),
      ].entries()) {
        const res = await request();
        statuses.push(res.status);
        if (i < 5) remaining.push(Number(res.headers['x-ratelimit-remaining']));
      }
      expect(statuses).toEqual([200, 200, 403, 200, 200, 429]);
      expect(remaining).toEqual([4, 3, 2, 1, 0]);
    });

    it('should count each user separately', async () => {
      const [first, second] = [await signUp(a.http), await signUp(b.http)];
      for (let i = 0; i < 6; i += 1)
        await a.http.get('/api/v1/users/me').set(first.auth).expect(200);
      await a.http.get('/api/v1/users/me').set(first.auth).expect(429);
      await b.http.get('/api/v1/users/me').set(second.auth).expect(200);
    });

    it('should limit anonymous requests per IP and leave health and metrics alone', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const res = await (i % 2 === 0 ? a : b).http
          .post('/api/v1/auth/logout')
          .send({ refresh_token: 'not-a-token' });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      for (let i = 0; i < 5; i += 1) {
        await a.http.get('/health/live').expect(200);
        await a.http.get('/metrics').expect(200);
      }
      const metrics = await a.http.get('/metrics').expect(200);
      expect(metrics.text).toMatch(/rate_limit_rejections_total\{limit="ip"\} [1-9]/);
    });
  });

  describe('for requests no route handler sees', () => {
    const IP_LIMIT = 3;
    let app: TestApp;
    let user: Awaited<ReturnType<typeof signUp>>;

    beforeAll(async () => {
      app = await startTestApp({
        RATE_LIMIT_IP_PER_MINUTE: String(IP_LIMIT),
        RATE_LIMIT_PER_MINUTE: '1000',
        REDIS_KEY_PREFIX: isolatedPrefix(),
      });
      user = await signUp(app.http);
    });

    afterAll(async () => {
      await app.close();
    });

    /** Starts every test with a fresh per-IP window (all requests come from 127.0.0.1). */
    beforeEach(async () => {
      const redis = app.app.get<Redis>(REDIS_CLIENT);
      await redis.del('rl:ip:ip:127.0.0.1', 'rl:ip:ip:::ffff:127.0.0.1', 'rl:ip:ip:::1');
    });

    /** Sends `request` past the limit; checks the headers and the 429 body on the way. */
    async function exhaust(request: () => Test, status: number): Promise<number[]> {
      const statuses: number[] = [];
      for (let i = 0; i < IP_LIMIT + 2; i += 1) {
        const res = await request();
        statuses.push(res.status);
        expect(res.headers['x-request-id']).toBeDefined();
        expect(res.headers['x-ratelimit-limit']).toBe(String(IP_LIMIT));
        expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
        if (res.status === status) {
          expect(Number(res.headers['x-ratelimit-remaining'])).toBe(IP_LIMIT - i - 1);
        } else {
          expect(res.body).toEqual(errorBody('RATE_LIMITED'));
          expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        }
      }
      return statuses;
    }

    it('should count tokens the authentication guard rejects, then answer 429', async () => {
      const statuses = await exhaust(
        () =>
          app.http
            .get('/api/v1/users/me')
            .set('Authorization', `Bearer guess-${randomBytes(4).toString('hex')}`),
        401,
      );
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      // A signed-in caller has a limit of its own, unaffected.
      await app.http.get('/api/v1/users/me').set(user.auth).expect(200);
      const metrics = await app.http.get('/metrics').expect(200);
      expect(metrics.text).toMatch(/rate_limit_rejections_total\{limit="ip"\} [1-9]/);
    });

    it('should count a deleted personal access token as anonymous, then answer 429', async () => {
      const token = await createAccessToken(app.http, user, ['tasks:read']);
      await app.http.delete(`${TOKENS}/${token.id}`).set(user.auth).expect(204);
      const statuses = await exhaust(() => app.http.get('/api/v1/tasks').set(token.auth), 401);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    });

    it('should count requests without any token on protected routes', async () => {
      expect(await exhaust(() => app.http.get('/api/v1/tasks'), 401)).toEqual([
        401, 401, 401, 429, 429,
      ]);
    });

    it('should count unknown routes, then answer 429', async () => {
      const statuses = await exhaust(
        () => app.http.get(`/api/v1/scan-${randomBytes(4).toString('hex')}`),
        404,
      );
      expect(statuses).toEqual([404, 404, 404, 429, 429]);
      await app.http.post('/wp-login.php').send({}).expect(429);
    });

    it('should count the OpenAPI document and the Swagger UI, then answer 429', async () => {
      const statuses = await exhaust(() => app.http.get('/docs-json'), 200);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      await app.http.get('/docs').expect(429);
    });

    it('should share one per-IP window between 401s, 404s, the docs and public routes', async () => {
      await app.http.get('/api/v1/users/me').expect(401);
      await app.http.get('/api/v1/nowhere').expect(404);
      await app.http.get('/docs-json').expect(200);
      const refused = await app.http
        .post('/api/v1/auth/logout')
        .send({ refresh_token: 'not-a-token' })
        .expect(429);
      expect(refused.body).toEqual(errorBody('RATE_LIMITED'));
    });

    it('should leave health and metrics unlimited, and signed-in callers unaffected', async () => {
      for (let i = 0; i < IP_LIMIT + 1; i += 1)
        await app.http.get('/api/v1/nowhere').expect(i < IP_LIMIT ? 404 : 429);
      for (let i = 0; i < IP_LIMIT + 2; i += 1) {
        const live = await app.http.get('/health/live').expect(200);
        expect(live.headers['x-ratelimit-limit']).toBeUndefined();
        await app.http.get('/health/ready').expect(200);
        await app.http.get('/metrics').expect(200);
      }
      await app.http.get('/api/v1/users/me').set(user.auth).expect(200);
    });
  });

  it('should apply the stricter auth limit per IP to login, register and refresh', async () => {
    const app = await startTestApp({
      RATE_LIMIT_AUTH_PER_MINUTE: '3',
      REDIS_KEY_PREFIX: isolatedPrefix(),
    });
    try {
      const user = newUser();
      await app.http.post('/api/v1/auth/register').send(user).expect(201);
      await app.http
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: 'wrong-password' })
        .expect(401);
      await app.http.post('/api/v1/auth/refresh').send({ refresh_token: 'nope' }).expect(401);
      const refused = await app.http
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(429);
      expect(refused.body).toEqual(errorBody('RATE_LIMITED'));
      expect(refused.headers['x-ratelimit-limit']).toBe('3');
      expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    } finally {
      await app.close();
    }
  });

  it('should trust X-Forwarded-For for the client IP only when TRUST_PROXY says so', async () => {
    const limits = { RATE_LIMIT_IP_PER_MINUTE: '1' };
    const anonymous = (app: TestApp, forwardedFor: string): Promise<number> =>
      app.http
        .post('/api/v1/auth/logout')
        .set('X-Forwarded-For', forwardedFor)
        .send({ refresh_token: 'not-a-token' })
        .then((res) => res.status);

    const direct = await startTestApp({ ...limits, REDIS_KEY_PREFIX: isolatedPrefix() });
    try {
      // Not trusted: both requests come from the socket's address, whatever the header says.
      expect(await anonymous(direct, '203.0.113.1')).toBe(401);
      expect(await anonymous(direct, '203.0.113.2')).toBe(429);
    } finally {
      await direct.close();
    }

    const proxied = await startTestApp({
      ...limits,
      TRUST_PROXY: 'true',
      REDIS_KEY_PREFIX: isolatedPrefix(),
    });
    try {
      // Trusted: each forwarded client has a limit of its own.
      expect(await anonymous(proxied, '203.0.113.1')).toBe(401);
      expect(await anonymous(proxied, '203.0.113.2')).toBe(401);
      expect(await anonymous(proxied, '203.0.113.1')).toBe(429);
    } finally {
      await proxied.close();
    }
  });

  describe('while Redis is unreachable', () => {
    let app: TestApp;

    beforeAll(async () => {
      app = await startTestApp({
        REDIS_PORT: DEAD_REDIS_PORT,
        RATE_LIMIT_PER_MINUTE: '2',
        RATE_LIMIT_AUTH_PER_MINUTE: '4',
      });
    });

    afterAll(async () => {
      await app.close();
    });

    it('should fail open for the per-user limit, quickly, and count it', async () => {
      const user = await signUp(app.http);
      const started = Date.now();
      for (let i = 0; i < 4; i += 1) {
        const res = await app.http.get('/api/v1/users/me').set(user.auth).expect(200);
        expect(res.headers['x-ratelimit-limit']).toBeUndefined();
      }
      expect(Date.now() - started).toBeLessThan(2000);
      const metrics = await app.http.get('/metrics').expect(200);
      expect(metrics.text).toMatch(
        /rate_limit_storage_failures_total\{limit="user",fallback="fail_open"\} [1-9]/,
      );
    });

    it('should keep bounding login attempts with the in-process limiter', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const res = await app.http
          .post('/api/v1/auth/login')
          .send({ email: `nobody${i}@example.com`, password: 'whatever-password' });
        statuses.push(res.status);
      }
      // signUp above used two auth hits (register, login) of this instance's window of 4.
      expect(statuses).toEqual([401, 401, 429, 429, 429, 429]);
    });
  });
});
