import { detailFields } from './helpers/bodies';
import { errorBody, newUser, signUp } from './helpers/factories';
import { startTestApp, TestApp } from './helpers/app';
import { PrivateMariaDb } from './helpers/mariadb';
import { waitFor } from './helpers/wait';

/** The contract's bound: while MySQL is down, requests answer quickly (no hanging). */
const QUICK_MS = 2000;

jest.setTimeout(60_000);

describe('When MySQL fails (e2e, private mariadbd)', () => {
  let db: PrivateMariaDb | undefined;
  let t: TestApp | undefined;

  beforeAll(async () => {
    db = await PrivateMariaDb.create();
    t = await startTestApp({ DB_PORT: String(db.port) });
  });

  afterAll(async () => {
    await t?.close();
    await db?.destroy();
  });

  /** Sends a request and returns the response with how long it took. */
  async function timed<T>(send: () => Promise<T>): Promise<{ res: T; ms: number }> {
    const started = Date.now();
    const res = await send();
    return { res, ms: Date.now() - started };
  }

  it('should answer 503 quickly while MySQL is down and recover without a restart', async () => {
    const app = t!;
    const s = await signUp(app.http);
    await app.http.get('/api/v1/users/me').set(s.auth).expect(200);
    await app.http.get('/health/ready').expect(200);

    await db!.stop();

    const login = await timed(() =>
      app.http.post('/api/v1/auth/login').send({ email: s.email, password: s.password }),
    );
    expect(login.res.status).toBe(503);
    expect(login.res.body).toEqual(errorBody('SERVICE_UNAVAILABLE'));
    expect(login.ms).toBeLessThan(QUICK_MS);

    const me = await timed(() => app.http.get('/api/v1/users/me').set(s.auth));
    expect(me.res.status).toBe(503);
    expect(me.res.body).toEqual(errorBody('SERVICE_UNAVAILABLE'));
    expect(me.res.headers['retry-after']).toEqual(expect.stringMatching(/^\d+$/));
    expect(me.ms).toBeLessThan(QUICK_MS);

    const register = await timed(() => app.http.post('/api/v1/auth/register').send(newUser()));
    expect(register.res.status).toBe(503);
    expect(register.ms).toBeLessThan(QUICK_MS);

    const refresh = await timed(() =>
      app.http.post('/api/v1/auth/refresh').send({ refresh_token: s.refreshToken }),
    );
    expect(refresh.res.status).toBe(503);
    expect(refresh.ms).toBeLessThan(QUICK_MS);

    const ready = await timed(() => app.http.get('/health/ready'));
    expect(ready.res.status).toBe(503);
    expect(ready.res.body).toMatchObject(errorBody('SERVICE_UNAVAILABLE'));
    expect(detailFields(ready.res.body)).toEqual(['mysql']);
    expect(ready.ms).toBeLessThan(QUICK_MS);

    await app.http.get('/health/live').expect(200);

    await db!.start();

    const back = await waitFor(
      async () => {
        const res = await app.http.get('/api/v1/users/me').set(s.auth);
        return res.status === 200 ? res : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: '/users/me to answer 200 again' },
    );
    expect(back.body.id).toBe(s.id);
    await app.http.get('/health/ready').expect(200);
    // The refresh token refused during the outage was not consumed by it.
    await app.http.post('/api/v1/auth/refresh').send({ refresh_token: s.refreshToken }).expect(200);
    await app.http
      .post('/api/v1/auth/login')
      .send({ email: s.email, password: s.password })
      .expect(200);
  });
});
