import { oidcLoginCodeKey } from '../src/oidc/oidc-login-store';
import { errorBody, signUp } from './helpers/factories';
import {
  callbackUrl,
  FRONT,
  IDP_CLIENT,
  idpAccount,
  OIDC_BASE,
  OidcTestbed,
  tag,
} from './helpers/oidc';

/**
 * Single sign-on against a real OpenID provider (oidc-provider), the browser played with plain
 * HTTP: the login, and who the user is. The checks of the answer and bad input are in
 * oidc-checks.e2e-spec.ts.
 */
describe('Single sign-on: login and user resolution (e2e)', () => {
  let bed: OidcTestbed;

  beforeAll(async () => {
    bed = await OidcTestbed.start();
  });

  afterAll(async () => {
    await bed?.close();
  });

  describe('GET /auth/oidc/providers', () => {
    it('should list the configured providers without a token', async () => {
      const res = await bed.http.get(`${OIDC_BASE}/providers`).expect(200);
      expect(res.body).toEqual([
        { name: 'acme', display_name: 'Acme SSO' },
        { name: 'stale', display_name: 'stale' },
        { name: 'down', display_name: 'down' },
      ]);
    });
  });

  describe('the whole login', () => {
    it('should send the browser to the provider with state, nonce and an S256 challenge', async () => {
      const { url, setCookie } = await bed.authorize();
      // The cookie that ties the login to this browser (Secure only for an https API).
      expect(setCookie).toMatch(
        /^oidc_login=[\w-]{43}; Path=\/api\/v1\/auth\/oidc; Max-Age=600; HttpOnly; SameSite=Lax$/,
      );
      expect(url.origin).toBe(bed.idp.issuer);
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        client_id: IDP_CLIENT.clientId,
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
      const claims = idpAccount();
      const front = await bed.signInAs(claims);
      expect(front.origin + front.pathname).toBe(FRONT);
      const loginCode = front.searchParams.get('login_code')!;
      expect(loginCode).toMatch(/^[\w-]{43}$/);
      expect(front.searchParams.get('error')).toBeNull();
      // Valid 60 seconds, as a Redis TTL (not waited for).
      const ttl = await bed.redis.ttl(oidcLoginCodeKey(loginCode));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60);

      const res = await bed.http
        .post(`${OIDC_BASE}/exchange`)
        .send({ login_code: loginCode })
        .expect(200);
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
      const me = await bed.http.get('/api/v1/users/me').set(auth).expect(200);
      expect(me.body.id).toBe(res.body.user.id);
      const projects = await bed.http.get('/api/v1/projects').set(auth).expect(200);
      expect(projects.body).toEqual([expect.objectContaining({ is_inbox: true })]);
      // The session is a normal one: its refresh token works.
      await bed.http
        .post('/api/v1/auth/refresh')
        .send({ refresh_token: res.body.refresh_token })
        .expect(200);

      // The code works once.
      const again = await bed.http
        .post(`${OIDC_BASE}/exchange`)
        .send({ login_code: loginCode })
        .expect(401);
      expect(again.body).toEqual(errorBody('UNAUTHORIZED'));
      // The account has no usable password.
      await bed.http
        .post('/api/v1/auth/login')
        .send({ email: claims.email, password: 'password123' })
        .expect(401);
    });

    it('should sign the same subject in as the same user, even after its email changed', async () => {
      const claims = idpAccount();
      const first = await bed.exchange(
        (await bed.signInAs(claims)).searchParams.get('login_code')!,
      );
      const moved = { ...claims, email: `moved.${tag()}@example.com`, preferred_username: 'other' };
      const second = await bed.exchange(
        (await bed.signInAs(moved)).searchParams.get('login_code')!,
      );
      expect(second.id).toBe(first.id);
      expect(second.email).toBe(claims.email);
    });

    it('should link a verified email to the existing account, and keep the link', async () => {
      const existing = await signUp(bed.http);
      const claims = idpAccount({ email: existing.email.toUpperCase(), email_verified: true });
      const user = await bed.exchange((await bed.signInAs(claims)).searchParams.get('login_code')!);
      expect(user).toMatchObject({
        id: existing.id,
        username: existing.username,
        email: existing.email,
      });
      // Linked by subject now: a later email at the provider does not matter.
      const later = { ...claims, email: `elsewhere.${tag()}@example.com`, email_verified: false };
      const again = await bed.exchange((await bed.signInAs(later)).searchParams.get('login_code')!);
      expect(again.id).toBe(existing.id);
    });

    it('should never link an unverified email to an existing account', async () => {
      const existing = await signUp(bed.http);
      for (const email_verified of [false, undefined]) {
        const claims = idpAccount({ email: existing.email, email_verified });
        const front = await bed.signInAs(claims);
        expect(front.origin + front.pathname).toBe(FRONT);
        expect(front.searchParams.get('error')).toBe('email_in_use');
        expect(front.searchParams.get('login_code')).toBeNull();
      }
      // The account is untouched: its owner still signs in with the password.
      const login = await bed.http
        .post('/api/v1/auth/login')
        .send({ email: existing.email, password: existing.password })
        .expect(200);
      expect(login.body.user.id).toBe(existing.id);
    });

    it('should make a new user for an unverified email no account has', async () => {
      const claims = idpAccount({ email_verified: false });
      const user = await bed.exchange((await bed.signInAs(claims)).searchParams.get('login_code')!);
      expect(user.email).toBe(claims.email);
    });

    it('should make usernames unique and valid', async () => {
      const taken = await signUp(bed.http);
      const first = await bed.exchange(
        (await bed.signInAs(idpAccount({ preferred_username: taken.username }))).searchParams.get(
          'login_code',
        )!,
      );
      const second = await bed.exchange(
        (await bed.signInAs(idpAccount({ preferred_username: taken.username }))).searchParams.get(
          'login_code',
        )!,
      );
      const base = taken.username.slice(0, 18);
      expect([first.username, second.username]).toEqual([`${base}_2`, `${base}_3`]);
      const dotted = idpAccount({ preferred_username: `J.Doe ${tag()}` });
      const third = await bed.exchange(
        (await bed.signInAs(dotted)).searchParams.get('login_code')!,
      );
      expect(third.username).toBe(dotted.preferred_username!.replace(/[. ]+/g, '_'));
    });

    it('should return to a front-end URL under an allowed prefix, keeping its query', async () => {
      const front = await bed.signInAs(idpAccount(), {
        redirectUri: 'http://front.test/sso/app?next=%2Ftasks',
      });
      expect(front.pathname).toBe('/sso/app');
      expect(front.searchParams.get('next')).toBe('/tasks');
      expect(front.searchParams.get('login_code')).toMatch(/^[\w-]{43}$/);
    });

    it('should pass on a refusal at the provider as error=access_denied', async () => {
      const claims = idpAccount();
      await bed.idp.addAccount(claims);
      const login = await bed.authorize();
      const back = await bed.idp.abort(login.url.href, callbackUrl('acme'));
      expect(back.searchParams.get('error')).toBe('access_denied');
      const front = await bed.callback(back, login.cookie);
      expect(front.origin + front.pathname).toBe(FRONT);
      expect(front.searchParams.get('error')).toBe('access_denied');
      expect(front.searchParams.get('login_code')).toBeNull();
    });
  });
});
