import { oidcStateKey } from '../src/oidc/oidc-login-store';
import { startTestApp } from './helpers/app';
import { detailFields } from './helpers/bodies';
import { errorBody, newUser } from './helpers/factories';
import { callbackUrl, FRONT, idpAccount, OIDC_BASE, OidcTestbed, tag } from './helpers/oidc';

/**
 * Single sign-on against a real OpenID provider: what the service refuses (state, nonce,
 * expired ID token, another browser, bad input) and the auth rate limit on the exchange.
 */
describe('Single sign-on: checks and bad input (e2e)', () => {
  let bed: OidcTestbed;

  beforeAll(async () => {
    bed = await OidcTestbed.start();
  });

  afterAll(async () => {
    await bed?.close();
  });

  describe('checks of the answer', () => {
    it('should refuse a tampered state with 400, and still accept the real one once', async () => {
      const claims = idpAccount();
      await bed.idp.addAccount(claims);
      const login = await bed.authorize();
      const back = await bed.idp.signIn(login.url.href, claims.sub, callbackUrl('acme'));
      const tampered = new URL(back);
      tampered.searchParams.set('state', `${back.searchParams.get('state')!.slice(0, -2)}xx`);
      const res = await bed.http
        .get(`${tampered.pathname}${tampered.search}`)
        .set('Cookie', login.cookie)
        .expect(400);
      expect(res.body).toEqual({
        ...errorBody('VALIDATION_FAILED'),
        details: [expect.objectContaining({ field: 'state' })],
      });

      const front = await bed.callback(back, login.cookie);
      expect(front.searchParams.get('login_code')).toMatch(/^[\w-]{43}$/);
      // A state works once: the same answer again has no login to return to.
      const replay = await bed.http
        .get(`${back.pathname}${back.search}`)
        .set('Cookie', login.cookie)
        .expect(400);
      expect(replay.body.details).toEqual([expect.objectContaining({ field: 'state' })]);
    });

    it('should refuse an ID token whose nonce is not the one of the login', async () => {
      const claims = idpAccount();
      await bed.idp.addAccount(claims);
      const login = await bed.authorize();
      const authorizationUrl = login.url;
      // The provider signs the nonce it was sent; the service now expects another one.
      const key = oidcStateKey(authorizationUrl.searchParams.get('state')!);
      const pending = JSON.parse((await bed.redis.get(key))!) as { nonce: string };
      expect(pending.nonce).toBe(authorizationUrl.searchParams.get('nonce'));
      await bed.redis.set(key, JSON.stringify({ ...pending, nonce: 'another-nonce' }), 'KEEPTTL');

      const front = await bed.callback(
        await bed.idp.signIn(authorizationUrl.href, claims.sub, callbackUrl('acme')),
        login.cookie,
      );
      expect(front.origin + front.pathname).toBe(FRONT);
      expect(front.searchParams.get('error')).toBe('token_rejected');
      expect(front.searchParams.get('login_code')).toBeNull();
    });

    it("should refuse a provider's answer that reaches another browser (login CSRF)", async () => {
      // The attacker signs in at the provider with its own account and sends the answer to a
      // victim, whose browser has no login cookie, or the cookie of a login of its own.
      const attacker = idpAccount();
      await bed.idp.addAccount(attacker);
      const victimLogin = await bed.authorize();
      for (const victimCookie of [undefined, victimLogin.cookie]) {
        const login = await bed.authorize();
        const back = await bed.idp.signIn(login.url.href, attacker.sub, callbackUrl('acme'));
        const front = await bed.callback(back, victimCookie);
        expect(front.origin + front.pathname).toBe(FRONT);
        expect(front.searchParams.get('error')).toBe('browser_mismatch');
        expect(front.searchParams.get('login_code')).toBeNull();
        // The state is spent: the attacker's own browser cannot finish it afterwards either.
        await bed.http
          .get(`${back.pathname}${back.search}`)
          .set('Cookie', login.cookie)
          .expect(400);
      }
    });

    it('should refuse an expired ID token', async () => {
      const front = await bed.signInAs(idpAccount(), { provider: 'stale', server: bed.staleIdp });
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
        const res = await bed.http
          .get(`${OIDC_BASE}/acme/authorize`)
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
      const missing = await bed.http.get(`${OIDC_BASE}/acme/authorize`).expect(400);
      expect(detailFields(missing.body)).toEqual(['redirect_uri']);
    });

    it('should answer 404 for an unknown provider', async () => {
      const authorizeRes = await bed.http
        .get(`${OIDC_BASE}/nope/authorize`)
        .query({ redirect_uri: FRONT })
        .expect(404);
      expect(authorizeRes.body).toEqual(errorBody('NOT_FOUND'));
      const callbackRes = await bed.http
        .get(`${OIDC_BASE}/nope/callback`)
        .query({ state: 'x', code: 'y' })
        .expect(404);
      expect(callbackRes.body).toEqual(errorBody('NOT_FOUND'));
    });

    it('should refuse a callback without state, or with one that was never issued, with 400', async () => {
      const missing = await bed.http
        .get(`${OIDC_BASE}/acme/callback`)
        .query({ code: 'abc' })
        .expect(400);
      expect(missing.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(detailFields(missing.body)).toEqual(['state']);
      const unknown = await bed.http
        .get(`${OIDC_BASE}/acme/callback`)
        .query({ code: 'abc', state: 'never-issued' })
        .expect(400);
      expect(unknown.body.details).toEqual([expect.objectContaining({ field: 'state' })]);
    });

    it('should refuse a state issued for another provider', async () => {
      const state = (await bed.authorize('acme')).url.searchParams.get('state')!;
      const res = await bed.http
        .get(`${OIDC_BASE}/stale/callback`)
        .query({ code: 'abc', state })
        .expect(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'state' })]);
    });

    it('should answer 401 for an unknown login code and 400 for a missing one', async () => {
      const unknown = await bed.http
        .post(`${OIDC_BASE}/exchange`)
        .send({ login_code: 'x'.repeat(43) })
        .expect(401);
      expect(unknown.body).toEqual(errorBody('UNAUTHORIZED'));
      const missing = await bed.http.post(`${OIDC_BASE}/exchange`).send({}).expect(400);
      expect(detailFields(missing.body)).toEqual(['login_code']);
      const extra = await bed.http
        .post(`${OIDC_BASE}/exchange`)
        .send({ login_code: 'abc', user_id: 1 })
        .expect(400);
      expect(extra.body.code).toBe('VALIDATION_FAILED');
      expect(detailFields(extra.body)).toEqual(['user_id']);
    });

    it('should answer 503 while a provider cannot be reached', async () => {
      const res = await bed.http
        .get(`${OIDC_BASE}/down/authorize`)
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
          .post(`${OIDC_BASE}/exchange`)
          .send({ login_code: newUser().password })
          .expect(401);
      }
      const refused = await limited.http
        .post(`${OIDC_BASE}/exchange`)
        .send({ login_code: 'anything' })
        .expect(429);
      expect(refused.body).toEqual(errorBody('RATE_LIMITED'));
      expect(refused.headers['x-ratelimit-limit']).toBe('2');
    } finally {
      await limited.close();
    }
  });
});
