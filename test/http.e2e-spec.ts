import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, contentOf, uploaded } from './helpers/attachments';
import { errorBody, signUp } from './helpers/factories';
import { startTestApp, TestApp } from './helpers/app';
import { createTask } from './helpers/tasks';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LOGIN = '/api/v1/auth/login';

describe('HTTP behaviour (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('X-Request-Id', () => {
    it('should put a generated id on every kind of response', async () => {
      const s = await signUp(t.http);
      const responses = await Promise.all([
        t.http.get('/health/live'),
        t.http.get('/api/v1/users/me').set(s.auth),
        t.http.get('/api/v1/users/me'),
        t.http.get('/api/v1/no-such-route'),
        t.http.post(LOGIN).send({}),
      ]);
      expect(responses.map((r) => r.status)).toEqual([200, 200, 401, 404, 400]);
      for (const res of responses) expect(res.headers['x-request-id']).toMatch(UUID);
      expect(new Set(responses.map((r) => r.headers['x-request-id'])).size).toBe(5);
    });

    it("should echo a caller's sane id in the header and the error body", async () => {
      const id = 'client-req_42:abc.DEF@x';
      const res = await t.http.get('/api/v1/users/me').set('X-Request-Id', id).expect(401);
      expect(res.headers['x-request-id']).toBe(id);
      expect(res.body.request_id).toBe(id);
    });

    it.each([
      ['300 characters long', 'a'.repeat(300)],
      ['containing spaces', 'has some spaces'],
      ['containing a quote and a newline escape', 'x"y\\n'],
    ])('should replace a caller id %s', async (_name, id) => {
      const res = await t.http.get('/api/v1/users/me').set('X-Request-Id', id).expect(401);
      expect(res.headers['x-request-id']).toMatch(UUID);
      expect(res.body.request_id).toBe(res.headers['x-request-id']);
    });
  });

  describe('error bodies', () => {
    it('should answer malformed JSON with 400 VALIDATION_FAILED', async () => {
      const res = await t.http
        .post(LOGIN)
        .set('Content-Type', 'application/json')
        .send('{"email": "a@b.c", "password": ')
        .expect(400);
      expect(res.body).toEqual(errorBody('VALIDATION_FAILED'));
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });

    it('should answer a prototype-poisoning body with 400, not 500', async () => {
      const res = await t.http
        .post(LOGIN)
        .set('Content-Type', 'application/json')
        .send('{"email": "a@b.c", "password": "password123", "__proto__": {"admin": true}}')
        .expect(400);
      expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
    });

    it('should answer an unknown route with 404 NOT_FOUND', async () => {
      const res = await t.http.get('/api/v1/nothing/here').expect(404);
      expect(res.body).toEqual(errorBody('NOT_FOUND'));
      expect(res.body.request_id).toBe(res.headers['x-request-id']);
    });

    it('should answer a body over 100 KiB with 413 PAYLOAD_TOO_LARGE', async () => {
      const res = await t.http
        .post(LOGIN)
        .send({ email: 'a@example.com', password: 'p'.repeat(101 * 1024) })
        .expect(413);
      expect(res.body).toEqual(errorBody('PAYLOAD_TOO_LARGE'));
    });

    it('should accept a body just under 100 KiB (the limit is not lower)', async () => {
      // 99 KiB of JSON reaches validation, which refuses the long password with a 400.
      const res = await t.http
        .post(LOGIN)
        .send({ email: 'a@example.com', password: 'p'.repeat(99 * 1024) })
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it.each([
      ['text/plain', 'hello'],
      ['application/x-www-form-urlencoded', 'email=a%40b.c&password=secret123'],
      ['application/xml', '<login/>'],
    ])('should answer a %s body with 415 UNSUPPORTED_MEDIA_TYPE', async (type, body) => {
      const res = await t.http.post(LOGIN).set('Content-Type', type).send(body).expect(415);
      expect(res.body).toEqual(errorBody('UNSUPPORTED_MEDIA_TYPE'));
    });
  });

  describe('security headers', () => {
    it('should send nosniff and a frame policy, and no X-Powered-By', async () => {
      for (const path of ['/health/live', '/api/v1/users/me', '/docs']) {
        const res = await t.http.get(path);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toMatch(/^(DENY|SAMEORIGIN)$/);
        expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
        expect(res.headers['x-powered-by']).toBeUndefined();
      }
    });
  });

  describe('CORS', () => {
    const ORIGIN = 'https://app.example.com';
    let cors: TestApp;
    let dir: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'cors-e2e-'));
      cors = await startTestApp({ CORS_ORIGINS: ORIGIN, ATTACHMENT_DIR: dir });
    });

    afterAll(async () => {
      await cors.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('should answer a preflight from an allowed origin', async () => {
      const res = await cors.http
        .options(LOGIN)
        .set('Origin', ORIGIN)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'Content-Type, Authorization');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(res.headers['access-control-allow-methods']).toContain('POST');
      expect(res.headers['access-control-allow-headers']).toMatch(/authorization/i);
    });

    it('should expose the contract headers to an allowed origin', async () => {
      const res = await cors.http.get('/health/live').set('Origin', ORIGIN).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
      const exposed = String(res.headers['access-control-expose-headers'])
        .split(',')
        .map((h) => h.trim());
      // The contract's list (API.md, General), every one of them: a header a browser may not
      // read is a header its client cannot use. Then, exactly, the two a scripted download
      // needs (neither is CORS-safelisted); any other would be one nobody decided to expose.
      expect(exposed).toEqual([
        'X-Request-Id',
        'X-Total-Count',
        'Link',
        'ETag',
        'Location',
        'Retry-After',
        'X-RateLimit-Limit',
        'X-RateLimit-Remaining',
        'X-RateLimit-Reset',
        'X-Cache',
        'Idempotent-Replayed',
        'Content-Disposition',
        'Content-Range',
      ]);
    });

    it('should let a browser resume a download: Range and If-Range allowed, Content-Range and Content-Disposition exposed', async () => {
      const owner = await signUp(cors.http);
      const task = await createTask(cors.http, owner, { title: 'cors download' });
      const bytes = Buffer.from('0123456789abcdefghij');
      const file = await uploaded(cors.http, owner, task.id, bytes, { filename: '报告.txt' });

      // `bytes=-5` is not CORS-safelisted (only `bytes=<first>-[<last>]` is), If-Range never is.
      const preflight = await cors.http
        .options(contentOf(file.id))
        .set('Origin', ORIGIN)
        .set('Access-Control-Request-Method', 'GET')
        .set('Access-Control-Request-Headers', 'authorization, range, if-range');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
      const allowed = String(preflight.headers['access-control-allow-headers'])
        .toLowerCase()
        .split(/,\s*/);
      expect(allowed).toEqual(expect.arrayContaining(['authorization', 'range', 'if-range']));

      const res = await cors.http
        .get(contentOf(file.id))
        .set(owner.auth)
        .set('Origin', ORIGIN)
        .set('Range', 'bytes=-5')
        .set('If-Range', `"${file.sha256}"`)
        .buffer(true)
        .parse(binary)
        .expect(206);
      expect(Buffer.compare(res.body as Buffer, bytes.subarray(15))).toBe(0);
      expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
      const exposed = String(res.headers['access-control-expose-headers']).split(/,\s*/);
      expect(exposed).toEqual(expect.arrayContaining(['Content-Disposition', 'Content-Range']));
      expect(res.headers['content-range']).toBe('bytes 15-19/20');
      expect(res.headers['content-disposition']).toContain(
        `filename*=UTF-8''${encodeURIComponent('报告.txt')}`,
      );
    });

    it('should not allow another origin', async () => {
      const preflight = await cors.http
        .options(LOGIN)
        .set('Origin', 'https://evil.example.net')
        .set('Access-Control-Request-Method', 'POST');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      const simple = await cors.http
        .get('/health/live')
        .set('Origin', 'https://evil.example.net')
        .expect(200);
      expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('should allow no origin when CORS_ORIGINS is not set', async () => {
      const res = await t.http.get('/health/live').set('Origin', ORIGIN).expect(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
