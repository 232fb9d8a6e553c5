import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { oidcLoginCodeKey, oidcStateKey } from '../src/oidc/oidc-login-store';
import { startTestApp, TestApp } from './helpers/app';
import { detailFields } from './helpers/bodies';
import { errorBody, newUser, signUp } from './helpers/factories';
import { IdpAccount, TestIdp } from './helpers/oidc-idp';

const BASE = '/api/v1/auth/oidc';
const API_ORIGIN = 'http://api.test';
const FRONT = 'http://front.test/login/done';
const CLIENT = { clientId: 'task-service', clientSecret: 'idp-client-secret-for-tests' };
const callbackUrl = (provider: string): string => `${API_ORIGIN}${BASE}/${provider}/callback`;

/** A port nothing listens on: the provider that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function tag(): string {
  return randomBytes(4).toString('hex');
}

describe('Single sign-on with OpenID Connect (e2e)', () => {
  let idp: TestIdp;
  let staleIdp: TestIdp;
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    [idp, staleIdp] = await Promise.all([
      TestIdp.start({ ...CLIENT, redirectUris: [callbackUrl('acme')] }),
      // Its clock is two hours behind: every ID token it signs has expired an hour ago.
      TestIdp.start({ ...CLIENT, redirectUris: [callbackUrl('stale')], clockSkewSec: -7200 }),
    ]);
    const provider = (name: string, issuer: string): Record<string, string> => ({
      [`OIDC_${name}_ISSUER`]: issuer,
      [`OIDC_${name}_CLIENT_ID`]: CLIENT.clientId,
      [`OIDC_${name}_CLIENT_SECRET`]: CLIENT.clientSecret,
    });
    // `down` points at a closed port: the service must boot anyway (discovery is lazy).
    t = await startTestApp({
      OIDC_PROVIDERS: 'acme,stale,down',
      ...provider('ACME', idp.issuer),
      OIDC_ACME_DISPLAY_NAME: 'Acme SSO',
      ...provider('STALE', staleIdp.issuer),
      ...provider('DOWN', `http://127.0.0.1:${await closedPort()}`),
      OIDC_REDIRECT_ALLOWLIST: `${FRONT}, http://front.test/sso/`,
      OIDC_CALLBACK_BASE_URL: API_ORIGIN,
    });
    redis = new Redis({
      host: process.env.REDIS_HOST ?? '127.0.0.1',
      port: Number(process.env.REDIS_PORT ?? 6379),
      keyPrefix: process.env.REDIS_KEY_PREFIX,
    });
  });

  afterAll(async () => {
    redis?.disconnect();
    await t?.close();
    await Promise.all([idp?.stop(), staleIdp?.stop()]);
  });

  /** A login started by `authorize`: the provider URL and the browser's login cookie. */
  interface Started {
    url: URL;
    /** `oidc_login=<value>`, as the browser sends it back. */
    cookie: string;
    setCookie: string;
  }

  async function authorize(provider = 'acme', redirectUri = FRONT): Promise<Started> {
    const res = await t.http
      .get(`${BASE}/${provider}/authorize`)
      .query({ redirect_uri: redirectUri })
      .expect(302);
    const setCookie = (res.headers['set-cookie'] as unknown as string[])[0];
    return { url: new URL(res.headers.location), cookie: setCookie.split(';')[0], setCookie };
  }

  /** The service's callback with the provider's answer: where it sends the browser next. */
  async function callback(url: URL, cookie?: string): Promise<URL> {
    const request = t.http.get(`${url.pathname}${url.search}`);
    if (cookie !== undefined) void request.set('Cookie', cookie);
    const res = await request.expect(302);
    return new URL(res.headers.location);
  }

  /** The whole browser flow for an account at `server`: the front-end URL it ends at. */
  async function signInAs(
    account: IdpAccount,
    { provider = 'acme', server = idp, redirectUri = FRONT } = {},
  ): Promise<URL> {
    await server.addAccount(account);
    const login = await authorize(provider, redirectUri);
    const back = await server.signIn(login.url.href, account.sub, callbackUrl(provider));
    return callback(back, login.cookie);
  }

  interface SignedIn {
    id: number;
    username: string;
    email: string;
    token: string;
  }

  /** The session's user (and access token) for a login code. */
  async function exchange(loginCode: string): Promise<SignedIn> {
    const res = await t.http.post(`${BASE}/exchange`).send({ login_code: loginCode }).expect(200);
    const body = res.body as { token: string; user: Omit<SignedIn, 'token'> };
    return { ...body.user, token: body.token };
  }

  function account(overrides: Partial<IdpAccount> = {}): IdpAccount {
    const id = tag();
    return {
      sub: `sub-${id}`,
      email: `sso.${id}@example.com`,
      email_verified: true,
      preferred_username: `sso_${id}`,
      ...overrides,
    };
  }

  describe('GET /auth/oidc/providers', () => {
    it('should list the configured providers without a token', async () => {
      const res = await t.http.get(`${BASE}/providers`).expect(200);
      expect(res.body).toEqual([
        { name: 'acme', display_name: 'Acme SSO' },
        { name: 'stale', display_name: 'stale' },
        { name: 'down', display_name: 'down' },
      ]);
    });
  });

  describe('the whole login', () => {
    it('should send the browser to the provider with state, nonce and an S256 challenge', async () => {
      const { url, setCookie } = await authorize();
      // The cookie that ties the login to this browser (Secure only for an https API).
      expect(setCookie).toMatch(
        /^oidc_login=[\w-]{43}; Path=\/api\/v1\/auth\/oidc; Max-Age=600; HttpOnly; SameSite=Lax$/,
      );
      expect(url.origin).toBe(idp.issuer);
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        client_id: CLIENT.clientId,
        response_type: 'code',
        redirect_uri: callbackUrl('acme'),
        scope: 'openid email profile',
        state: expect.stringMatching(/^[\w-]{43}$/),
        nonce: expect.stringMatching(/^[\w-]{43}$/),
        code_challenge: expect.stringMatching(/^[\w-]{43}$/),
        code_challenge_method: 'S256',
      });
    });

    it('should return a one-time login code that the exchange turns into a session of a new user with an inbox', async () => {
      const claims = account();
      const front = await signInAs(claims);
      expect(front.origin + front.pathname).toBe(FRONT);
      const loginCode = front.searchParams.get('login_code')!;
      expect(loginCode).toMatch(/^[\w-]{43}$/);
      expect(front.searchParams.get('error')).toBeNull();
      // Valid 60 seconds, as a Redis TTL (not waited for).
      const ttl = await redis.ttl(oidcLoginCodeKey(loginCode));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60);

      const res = await t.http.post(`${BASE}/exchange`).send({ login_code: loginCode }).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        token: expect.any(String),
        refresh_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 900,
        user: {
          id: expect.any(Number),
          username: claims.preferred_username,
          email: claims.email,
          created_at: expect.any(String),
        },
      });
      const auth = { Authorization: `Bearer ${res.body.token as string}` };
      const me = await t.http.get('/api/v1/users/me').set(auth).expect(200);
      expect(me.body.id).toBe(res.body.user.id);
      const projects = await t.http.get('/api/v1/projects').set(auth).expect(200);
      expect(projects.body).toEqual([expect.objectContaining({ is_inbox: true })]);
      // The session is a normal one: its refresh token works.
      await t.http
        .post('/api/v1/auth/refresh')
        .send({ refresh_token: res.body.refresh_token })
        .expect(200);

      // The code works once.
      const again = await t.http
        .post(`${BASE}/exchange`)
        .send({ login_code: loginCode })
        .expect(401);
      expect(again.body).toEqual(errorBody('UNAUTHORIZED'));
      // The account has no usable password.
      await t.http
        .post('/api/v1/auth/login')
        .send({ email: claims.email, password: 'password123' })
        .expect(401);
    });

    it('should sign the same subject in as the same user, even after its email changed', async () => {
      const claims = account();
      const first = await exchange((await signInAs(claims)).searchParams.get('login_code')!);
      const moved = { ...claims, email: `moved.${tag()}@example.com`, preferred_username: 'other' };
      const second = await exchange((await signInAs(moved)).searchParams.get('login_code')!);
      expect(second.id).toBe(first.id);
      expect(second.email).toBe(claims.email);
    });

    it('should link a verified email to the existing account, and keep the link', async () => {
      const existing = await signUp(t.http);
      const claims = account({ email: existing.email.toUpperCase(), email_verified: true });
      const user = await exchange((await signInAs(claims)).searchParams.get('login_code')!);
      expect(user).toMatchObject({
        id: existing.id,
        username: existing.username,
        email: existing.email,
      });
      // Linked by subject now: a later email at the provider does not matter.
      const later = { ...claims, email: `elsewhere.${tag()}@example.com`, email_verified: false };
      const again = await exchange((await signInAs(later)).searchParams.get('login_code')!);
      expect(again.id).toBe(existing.id);
    });

    it('should never link an unverified email to an existing account', async () => {
      const existing = await signUp(t.http);
      for (const email_verified of [false, undefined]) {
        const claims = account({ email: existing.email, email_verified });
        const front = await signInAs(claims);
        expect(front.origin + front.pathname).toBe(FRONT);
        expect(front.searchParams.get('error')).toBe('email_in_use');
        expect(front.searchParams.get('login_code')).toBeNull();
      }
      // The account is untouched: its owner still signs in with the password.
      const login = await t.http
        .post('/api/v1/auth/login')
        .send({ email: existing.email, password: existing.password })
        .expect(200);
      expect(login.body.user.id).toBe(existing.id);
    });

    it('should make a new user for an unverified email no account has', async () => {
      const claims = account({ email_verified: false });
      const user = await exchange((await signInAs(claims)).searchParams.get('login_code')!);
      expect(user.email).toBe(claims.email);
    });

    it('should make usernames unique and valid', async () => {
      const taken = await signUp(t.http);
      const first = await exchange(
        (await signInAs(account({ preferred_username: taken.username }))).searchParams.get(
          'login_code',
        )!,
      );
      const second = await exchange(
        (await signInAs(account({ preferred_username: taken.username }))).searchParams.get(
          'login_code',
        )!,
      );
      const base = taken.username.slice(0, 18);
      expect([first.username, second.username]).toEqual([`${base}_2`, `${base}_3`]);
      const dotted = account({ preferred_username: `J.Doe ${tag()}` });
      const third = await exchange((await signInAs(dotted)).searchParams.get('login_code')!);
      expect(third.username).toBe(dotted.preferred_username!.replace(/[. ]+/g, '_'));
    });

    it('should return to a front-end URL under an allowed prefix, keeping its query', async () => {
      const front = await signInAs(account(), {
        redirectUri: 'http://front.test/sso/app?next=%2Ftasks',
      });
      expect(front.pathname).toBe('/sso/app');
      expect(front.searchParams.get('next')).toBe('/tasks');
      expect(front.searchParams.get('login_code')).toMatch(/^[\w-]{43}$/);
    });

    it('should pass on a refusal at the provider as error=access_denied', async () => {
      const claims = account();
      await idp.addAccount(claims);
      const login = await authorize();
      const back = await idp.abort(login.url.href, callbackUrl('acme'));
      expect(back.searchParams.get('error')).toBe('access_denied');
      const front = await callback(back, login.cookie);
      expect(front.origin + front.pathname).toBe(FRONT);
      expect(front.searchParams.get('error')).toBe('access_denied');
      expect(front.searchParams.get('login_code')).toBeNull();
    });
  });

  describe('checks of the answer', () => {
    it('should refuse a tampered state with 400, and still accept the real one once', async () => {
      const claims = account();
      await idp.addAccount(claims);
      const login = await authorize();
      const back = await idp.signIn(login.url.href, claims.sub, callbackUrl('acme'));
      const tampered = new URL(back);
      tampered.searchParams.set('state', `${back.searchParams.get('state')!.slice(0, -2)}xx`);
      const res = await t.http
        .get(`${tampered.pathname}${tampered.search}`)
        .set('Cookie', login.cookie)
        .expect(400);
      expect(res.body).toEqual({
        ...errorBody('VALIDATION_FAILED'),
        details: [expect.objectContaining({ field: 'state' })],
      });

      const front = await callback(back, login.cookie);
      expect(front.searchParams.get('login_code')).toMatch(/^[\w-]{43}$/);
      // A state works once: the same answer again has no login to return to.
      const replay = await t.http
        .get(`${back.pathname}${back.search}`)
        .set('Cookie', login.cookie)
        .expect(400);
      expect(replay.body.details).toEqual([expect.objectContaining({ field: 'state' })]);
    });

    it('should refuse an ID token whose nonce is not the one of the login', async () => {
      const claims = account();
      await idp.addAccount(claims);
      const login = await authorize();
      const authorizationUrl = login.url;
      // The provider signs the nonce it was sent; the service now expects another one.
      const key = oidcStateKey(authorizationUrl.searchParams.get('state')!);
      const pending = JSON.parse((await redis.get(key))!) as { nonce: string };
      expect(pending.nonce).toBe(authorizationUrl.searchParams.get('nonce'));
      await redis.set(key, JSON.stringify({ ...pending, nonce: 'another-nonce' }), 'KEEPTTL');

      const front = await callback(
        await idp.signIn(authorizationUrl.href, claims.sub, callbackUrl('acme')),
        login.cookie,
      );
      expect(front.origin + front.pathname).toBe(FRONT);
      expect(front.searchParams.get('error')).toBe('token_rejected');
      expect(front.searchParams.get('login_code')).toBeNull();
    });

    it("should refuse a provider's answer that reaches another browser (login CSRF)", async () => {
      // The attacker signs in at the provider with its own account and sends the answer to a
      // victim, whose browser has no login cookie, or the cookie of a login of its own.
      const attacker = account();
      await idp.addAccount(attacker);
      const victimLogin = await authorize();
      for (const victimCookie of [undefined, victimLogin.cookie]) {
        const login = await authorize();
        const back = await idp.signIn(login.url.href, attacker.sub, callbackUrl('acme'));
        const front = await callback(back, victimCookie);
        expect(front.origin + front.pathname).toBe(FRONT);
        expect(front.searchParams.get('error')).toBe('browser_mismatch');
        expect(front.searchParams.get('login_code')).toBeNull();
        // The state is spent: the attacker's own browser cannot finish it afterwards either.
        await t.http.get(`${back.pathname}${back.search}`).set('Cookie', login.cookie).expect(400);
      }
    });

    it('should refuse an expired ID token', async () => {
      const front = await signInAs(account(), { provider: 'stale', server: staleIdp });
      expect(front.origin + front.pathname).toBe(FRONT);
      expect(front.searchParams.get('error')).toBe('token_rejected');
      expect(front.searchParams.get('login_code')).toBeNull();
    });
  });

  describe('bad input', () => {
    it('should refuse a redirect_uri outside the allowlist with 400', async () => {
      for (const redirectUri of [
        'http://evil.test/login/done',
        'http://front.test.evil.test/login/done',
        'http://front.test/login/done/../../admin',
        'http://front.test/sso-evil',
        'javascript:alert(1)',
      ]) {
        const res = await t.http
          .get(`${BASE}/acme/authorize`)
          .query({ redirect_uri: redirectUri })
          .expect(400);
        expect({ redirectUri, body: res.body }).toEqual({
          redirectUri,
          body: {
            ...errorBody('VALIDATION_FAILED'),
            details: [expect.objectContaining({ field: 'redirect_uri' })],
          },
        });
      }
      const missing = await t.http.get(`${BASE}/acme/authorize`).expect(400);
      expect(detailFields(missing.body)).toEqual(['redirect_uri']);
    });

    it('should answer 404 for an unknown provider', async () => {
      const authorizeRes = await t.http
        .get(`${BASE}/nope/authorize`)
        .query({ redirect_uri: FRONT })
        .expect(404);
      expect(authorizeRes.body).toEqual(errorBody('NOT_FOUND'));
      const callbackRes = await t.http
        .get(`${BASE}/nope/callback`)
        .query({ state: 'x', code: 'y' })
        .expect(404);
      expect(callbackRes.body).toEqual(errorBody('NOT_FOUND'));
    });

    it('should refuse a callback without state, or with one that was never issued, with 400', async () => {
      const missing = await t.http.get(`${BASE}/acme/callback`).query({ code: 'abc' }).expect(400);
      expect(missing.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(detailFields(missing.body)).toEqual(['state']);
      const unknown = await t.http
        .get(`${BASE}/acme/callback`)
        .query({ code: 'abc', state: 'never-issued' })
        .expect(400);
      expect(unknown.body.details).toEqual([expect.objectContaining({ field: 'state' })]);
    });

    it('should refuse a state issued for another provider', async () => {
      const state = (await authorize('acme')).url.searchParams.get('state')!;
      const res = await t.http
        .get(`${BASE}/stale/callback`)
        .query({ code: 'abc', state })
        .expect(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'state' })]);
    });

    it('should answer 401 for an unknown login code and 400 for a missing one', async () => {
      const unknown = await t.http
        .post(`${BASE}/exchange`)
        .send({ login_code: 'x'.repeat(43) })
        .expect(401);
      expect(unknown.body).toEqual(errorBody('UNAUTHORIZED'));
      const missing = await t.http.post(`${BASE}/exchange`).send({}).expect(400);
      expect(detailFields(missing.body)).toEqual(['login_code']);
      const extra = await t.http
        .post(`${BASE}/exchange`)
        .send({ login_code: 'abc', user_id: 1 })
        .expect(400);
      expect(extra.body.code).toBe('VALIDATION_FAILED');
      expect(detailFields(extra.body)).toEqual(['user_id']);
    });

    it('should answer 503 while a provider cannot be reached', async () => {
      const res = await t.http
        .get(`${BASE}/down/authorize`)
        .query({ redirect_uri: FRONT })
        .expect(503);
      expect(res.body).toEqual(errorBody('SERVICE_UNAVAILABLE'));
      expect(res.body.error).toMatch(/down/);
    });
  });

  it('should count the exchange against the per-IP auth limit', async () => {
    const limited = await startTestApp({
      RATE_LIMIT_AUTH_PER_MINUTE: '2',
      REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}oidc-limit-${tag()}:`,
    });
    try {
      for (let i = 0; i < 2; i += 1) {
        await limited.http
          .post(`${BASE}/exchange`)
          .send({ login_code: newUser().password })
          .expect(401);
      }
      const refused = await limited.http
        .post(`${BASE}/exchange`)
        .send({ login_code: 'anything' })
        .expect(429);
      expect(refused.body).toEqual(errorBody('RATE_LIMITED'));
      expect(refused.headers['x-ratelimit-limit']).toBe('2');
    } finally {
      await limited.close();
    }
  });
});
