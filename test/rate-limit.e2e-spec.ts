import { randomBytes } from 'node:crypto';
import { startTestApp, TestApp } from './helpers/app';
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
