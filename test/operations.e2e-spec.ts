import { detailFields } from './helpers/bodies';
import { errorBody, signUp } from './helpers/factories';
import { startTestApp, TestApp } from './helpers/app';
import { freePort } from './helpers/server';

describe('Operations (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('health', () => {
    it('should answer /health/live with 200 and no token', async () => {
      const res = await t.http.get('/health/live').expect(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('should answer /health/ready with 200 and no token when MySQL and Redis are up', async () => {
      const res = await t.http.get('/health/ready').expect(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        info: { mysql: { status: 'up' }, redis: { status: 'up' } },
      });
    });
  });

  describe('docs', () => {
    it('should serve Swagger UI at /docs', async () => {
      const res = await t.http.get('/docs').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('swagger-ui');
    });

    it('should serve an OpenAPI 3 document with the bearer scheme and every auth and users route', async () => {
      const res = await t.http.get('/docs-json').expect(200);
      const doc = res.body as {
        openapi: string;
        paths: Record<string, Record<string, { security?: unknown[] }>>;
        components: { securitySchemes: Record<string, { type: string; scheme: string }> };
        security?: unknown[];
      };
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.values(doc.components.securitySchemes)).toContainEqual(
        expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      );
      for (const [path, method] of [
        ['/api/v1/auth/register', 'post'],
        ['/api/v1/auth/login', 'post'],
        ['/api/v1/auth/refresh', 'post'],
        ['/api/v1/auth/logout', 'post'],
        ['/api/v1/users/me', 'get'],
        ['/api/v1/users', 'get'],
        ['/health/live', 'get'],
        ['/health/ready', 'get'],
      ]) {
        expect(doc.paths[path]?.[method]).toEqual(expect.any(Object));
      }
      // Protected routes require the bearer scheme, on the route or as the document's default.
      for (const path of ['/api/v1/users/me', '/api/v1/users']) {
        expect(doc.paths[path].get.security ?? doc.security).toContainEqual({ bearer: [] });
      }
    });

    it('should document the shared response headers: request id, rate limits, Retry-After', async () => {
      type Responses = Record<string, { headers?: Record<string, unknown> }>;
      const doc = (await t.http.get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, { responses: Responses }>>;
      };
      const login = doc.paths['/api/v1/auth/login'].post.responses;
      expect(Object.keys(login['200'].headers ?? {})).toEqual(
        expect.arrayContaining([
          'X-Request-Id',
          'X-RateLimit-Limit',
          'X-RateLimit-Remaining',
          'X-RateLimit-Reset',
        ]),
      );
      expect(Object.keys(login['429'].headers ?? {})).toContain('Retry-After');
      const live = doc.paths['/health/live'].get.responses;
      expect(Object.keys(live['200'].headers ?? {})).toEqual(['X-Request-Id']);
    });
  });

  describe('metrics', () => {
    it('should count requests by route pattern and status, without a token', async () => {
      const s = await signUp(t.http);
      await t.http.get('/api/v1/users/me').set(s.auth).expect(200);
      await t.http.get('/api/v1/users/me').expect(401);
      const res = await t.http.get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toContain('# TYPE http_requests_total counter');
      expect(res.text).toMatch(
        /http_requests_total\{method="GET",route="\/api\/v1\/users\/me",status="200"\} [1-9]/,
      );
      expect(res.text).toMatch(
        /http_requests_total\{method="GET",route="\/api\/v1\/users\/me",status="401"\} [1-9]/,
      );
      expect(res.text).toMatch(
        /http_request_duration_seconds_bucket\{.*route="\/api\/v1\/auth\/login"/,
      );
    });
  });

  describe('when Redis is unreachable', () => {
    let down: TestApp;

    beforeAll(async () => {
      // A port nobody listens on: every connection attempt is refused.
      down = await startTestApp({ REDIS_PORT: String(await freePort()) });
    });

    afterAll(async () => {
      await down.close();
    });

    it('should answer /health/ready with 503 naming redis, quickly', async () => {
      const started = Date.now();
      const res = await down.http.get('/health/ready').expect(503);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(res.body).toMatchObject(errorBody('SERVICE_UNAVAILABLE'));
      expect(res.body.error).toMatch(/redis/);
      expect(detailFields(res.body)).toEqual(['redis']);
    });

    it('should still answer /health/live with 200', async () => {
      await down.http.get('/health/live').expect(200);
    });

    it('should still register, log in and answer /users/me within 2 s each', async () => {
      const started = Date.now();
      const s = await signUp(down.http);
      const me = await down.http.get('/api/v1/users/me').set(s.auth).expect(200);
      expect(me.body.id).toBe(s.id);
      // Three requests, each bounded by the contract's 2 s.
      expect(Date.now() - started).toBeLessThan(6000);
      const one = Date.now();
      await down.http.get('/api/v1/users/me').set(s.auth).expect(200);
      expect(Date.now() - one).toBeLessThan(2000);
      const login = Date.now();
      await down.http.post('/api/v1/auth/login').send({ email: s.email, password: s.password });
      expect(Date.now() - login).toBeLessThan(2000);
    });
  });
});
