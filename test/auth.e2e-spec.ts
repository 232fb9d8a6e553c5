import * as jwt from 'jsonwebtoken';
import { detailFields, jwtPart } from './helpers/bodies';
import { errorBody, newUser, signUp } from './helpers/factories';
import { startTestApp, TestApp } from './helpers/app';
import { waitFor } from './helpers/wait';

const REGISTER = '/api/v1/auth/register';
const LOGIN = '/api/v1/auth/login';
const REFRESH = '/api/v1/auth/refresh';
const LOGOUT = '/api/v1/auth/logout';
const ME = '/api/v1/users/me';

describe('Auth (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('POST /auth/register', () => {
    it('should answer 201 with a message and the user, with the email stored lower-cased', async () => {
      const user = newUser({ email: `Mixed.${Date.now()}.Case@Example.COM` });
      const res = await t.http.post(REGISTER).send(user).expect(201);
      expect(res.body).toEqual({
        message: expect.any(String),
        user: {
          id: expect.any(Number),
          username: user.username,
          email: user.email.toLowerCase(),
          created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        },
      });
      const login = await t.http
        .post(LOGIN)
        .send({ email: user.email.toLowerCase(), password: user.password })
        .expect(200);
      expect(login.body.user.email).toBe(user.email.toLowerCase());
    });

    it('should answer 409 CONFLICT for an email that differs only in case', async () => {
      const user = newUser();
      await t.http.post(REGISTER).send(user).expect(201);
      const again = newUser({ email: user.email.toUpperCase() });
      const res = await t.http.post(REGISTER).send(again).expect(409);
      expect(res.body).toEqual(errorBody('CONFLICT'));
      expect(res.body.error).toMatch(/email/);
    });

    it('should answer 409 CONFLICT for a taken username, in any case', async () => {
      const user = newUser();
      await t.http.post(REGISTER).send(user).expect(201);
      const same = await t.http
        .post(REGISTER)
        .send(newUser({ username: user.username }))
        .expect(409);
      expect(same.body).toEqual(errorBody('CONFLICT'));
      expect(same.body.error).toMatch(/username/);
      const upper = await t.http
        .post(REGISTER)
        .send(newUser({ username: user.username.toUpperCase() }))
        .expect(409);
      expect(upper.body).toEqual(errorBody('CONFLICT'));
    });

    it('should let exactly one of two concurrent registrations of one email succeed', async () => {
      const first = newUser();
      const second = newUser({ email: first.email });
      const results = await Promise.all([
        t.http.post(REGISTER).send(first),
        t.http.post(REGISTER).send(second),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      const conflict = results.find((r) => r.status === 409)!;
      expect(conflict.body).toEqual(errorBody('CONFLICT'));
    });

    it.each([
      ['a username that is too short', { username: 'ab' }, 'username'],
      ['a username that is too long', { username: 'a'.repeat(21) }, 'username'],
      ['a username with a space', { username: 'bad name' }, 'username'],
      ['a username with other characters', { username: 'bad!name' }, 'username'],
      ['a non-string username', { username: 12345 }, 'username'],
      ['an invalid email', { email: 'not-an-email' }, 'email'],
      ['an email without a domain', { email: 'someone@' }, 'email'],
      ['a password of 7 bytes', { password: 'short7!' }, 'password'],
      ['a password of 73 bytes', { password: 'p'.repeat(73) }, 'password'],
      // 30 characters, but 90 bytes in UTF-8: bcrypt reads bytes.
      ['a password of 30 Chinese characters (90 bytes)', { password: '密'.repeat(30) }, 'password'],
    ])('should answer 400 naming the field for %s', async (_name, override, field) => {
      const res = await t.http
        .post(REGISTER)
        .send({ ...newUser(), ...override })
        .expect(400);
      expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(detailFields(res.body)).toEqual([field]);
    });

    it('should accept passwords of exactly 8 and 72 bytes, counted in bytes', async () => {
      // 4 characters of 2 bytes and 24 characters of 3 bytes.
      for (const password of ['éééé', '密'.repeat(24)]) {
        const user = newUser({ password });
        await t.http.post(REGISTER).send(user).expect(201);
        await t.http.post(LOGIN).send({ email: user.email, password }).expect(200);
      }
    });

    it('should answer 400 naming every missing field', async () => {
      const res = await t.http.post(REGISTER).send({}).expect(400);
      expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(detailFields(res.body).sort()).toEqual(['email', 'password', 'username']);
    });

    it.each(['id', 'role', 'created_at', 'password_hash'])(
      'should answer 400 for the unknown field %s (no mass assignment)',
      async (field) => {
        const res = await t.http
          .post(REGISTER)
          .send({ ...newUser(), [field]: field === 'id' ? 1 : 'admin' })
          .expect(400);
        expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
        expect(detailFields(res.body)).toEqual([field]);
      },
    );

    it.each([
      ['an array', '[]'],
      ['an array of objects', '[{"username":"abc"}]'],
      ['a string', '"hello"'],
      ['a number', '42'],
      ['null', 'null'],
      ['a boolean', 'true'],
    ])('should answer 400, not 500, for a JSON body that is %s', async (_name, raw) => {
      const res = await t.http
        .post(REGISTER)
        .set('Content-Type', 'application/json')
        .send(raw)
        .expect(400);
      expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
    });
  });

  describe('POST /auth/login', () => {
    it('should answer 200 with a Session', async () => {
      const user = newUser();
      const reg = await t.http.post(REGISTER).send(user).expect(201);
      const res = await t.http
        .post(LOGIN)
        .send({ email: user.email, password: user.password })
        .expect(200);
      expect(res.body).toEqual({
        token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        refresh_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 900,
        user: reg.body.user,
      });
      expect(jwtPart(res.body.token, 0).alg).toBe('HS256');
      const claims = jwtPart(res.body.token, 1) as { exp: number; iat: number; sub: string };
      expect(claims.exp - claims.iat).toBe(900);
      expect(claims.sub).toBe(String(reg.body.user.id));
      expect(claims).toMatchObject({ iss: 'task-service', aud: 'task-api' });
    });

    it('should give an unknown email and a wrong password the same 401', async () => {
      const s = await signUp(t.http);
      const wrongPassword = await t.http
        .post(LOGIN)
        .send({ email: s.email, password: `${s.password}x` })
        .expect(401);
      const unknownEmail = await t.http
        .post(LOGIN)
        .send({ email: `nobody.${Date.now()}@example.com`, password: s.password })
        .expect(401);
      const strip = (body: Record<string, unknown>): Record<string, unknown> => ({
        ...body,
        request_id: undefined,
      });
      expect(wrongPassword.body).toEqual(errorBody('UNAUTHORIZED'));
      expect(wrongPassword.body.error).toBe('invalid credentials');
      expect(strip(unknownEmail.body)).toEqual(strip(wrongPassword.body));
    });

    it('should refuse a 73-byte password that shares the first 72 bytes of the real one', async () => {
      const password = 'p'.repeat(72);
      const user = newUser({ password });
      await t.http.post(REGISTER).send(user).expect(201);
      const res = await t.http
        .post(LOGIN)
        .send({ email: user.email, password: `${password}X` })
        .expect(401);
      expect(res.body).toEqual(errorBody('UNAUTHORIZED'));
      await t.http.post(LOGIN).send({ email: user.email, password }).expect(200);
    });

    it('should answer 400 naming a missing password', async () => {
      const res = await t.http.post(LOGIN).send({ email: 'someone@example.com' }).expect(400);
      expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(detailFields(res.body)).toEqual(['password']);
    });
  });

  describe('passwords and hashes', () => {
    it.each([
      ['eight NULs', '\u0000'.repeat(8)],
      ['a NUL inside', 'password\u0000123'],
      ['a tab', 'pass\tword123'],
      ['DEL', 'password123\u007f'],
      ['a C1 control', 'password\u0085123'],
      ['a lone surrogate', 'password\uD800'],
    ])(
      'should refuse a password with %s at registration, naming password',
      async (_name, password) => {
        const res = await t.http.post(REGISTER).send(newUser({ password })).expect(400);
        expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
        expect(detailFields(res.body)).toEqual(['password']);
      },
    );

    it('should answer a login with a control character in the password as a wrong password', async () => {
      const s = await signUp(t.http);
      for (const password of ['\u0000', `${s.password}\u0000`, `\u0000${s.password}`]) {
        const res = await t.http.post(LOGIN).send({ email: s.email, password }).expect(401);
        expect(res.body).toEqual(errorBody('UNAUTHORIZED'));
      }
    });

    it('should refuse a lone surrogate in an email or username with 400, never 500', async () => {
      const email = await t.http
        .post(REGISTER)
        .send(newUser({ email: `a\uD800${Date.now()}@example.com` }))
        .expect(400);
      expect(detailFields(email.body)).toEqual(['email']);
      const username = await t.http
        .post(REGISTER)
        .send(newUser({ username: 'ab\uDC00' }))
        .expect(400);
      expect(detailFields(username.body)).toEqual(['username']);
    });

    it('should never put a password or a hash in a response body', async () => {
      const user = newUser();
      const texts: string[] = [];
      const reg = await t.http.post(REGISTER).send(user).expect(201);
      const login = await t.http
        .post(LOGIN)
        .send({ email: user.email, password: user.password })
        .expect(200);
      const me = await t.http.get(ME).set('Authorization', `Bearer ${login.body.token}`);
      const refreshed = await t.http
        .post(REFRESH)
        .send({ refresh_token: login.body.refresh_token })
        .expect(200);
      texts.push(reg.text, login.text, me.text, refreshed.text);
      for (const text of texts) {
        expect(text).not.toMatch(/password/i);
        expect(text).not.toContain('$2b$');
        expect(text).not.toContain(user.password);
      }
    });
  });

  describe('POST /auth/refresh', () => {
    it('should return a new pair and retire the old refresh token', async () => {
      const s = await signUp(t.http);
      const res = await t.http.post(REFRESH).send({ refresh_token: s.refreshToken }).expect(200);
      expect(res.body).toEqual({
        token: expect.any(String),
        refresh_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 900,
        user: { id: s.id, username: s.username, email: s.email, created_at: expect.any(String) },
      });
      expect(res.body.refresh_token).not.toBe(s.refreshToken);
      expect(res.body.token).not.toBe(s.token);
      const me = await t.http.get(ME).set('Authorization', `Bearer ${res.body.token}`).expect(200);
      expect(me.body.id).toBe(s.id);
      await t.http.post(REFRESH).send({ refresh_token: res.body.refresh_token }).expect(200);
    });

    it('should answer 401 to a reused refresh token and revoke its whole family', async () => {
      const s = await signUp(t.http);
      const other = await t.http
        .post(LOGIN)
        .send({ email: s.email, password: s.password })
        .expect(200);
      const rotated = await t.http
        .post(REFRESH)
        .send({ refresh_token: s.refreshToken })
        .expect(200);
      const replay = await t.http.post(REFRESH).send({ refresh_token: s.refreshToken }).expect(401);
      expect(replay.body).toEqual(errorBody('UNAUTHORIZED'));
      // The newest token of the family stops working too.
      const newest = await t.http
        .post(REFRESH)
        .send({ refresh_token: rotated.body.refresh_token })
        .expect(401);
      expect(newest.body).toEqual(errorBody('UNAUTHORIZED'));
      // Another session (family) of the same user is untouched.
      await t.http.post(REFRESH).send({ refresh_token: other.body.refresh_token }).expect(200);
    });

    it('should let exactly one of 20 concurrent refreshes of one token succeed', async () => {
      const s = await signUp(t.http);
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          t.http.post(REFRESH).send({ refresh_token: s.refreshToken }),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 401)).toHaveLength(19);
    });

    it('should answer 401 for an unknown refresh token', async () => {
      const res = await t.http
        .post(REFRESH)
        .send({ refresh_token: 'not-a-token-anyone-was-given' })
        .expect(401);
      expect(res.body).toEqual(errorBody('UNAUTHORIZED'));
    });

    it('should answer 400 naming a missing refresh_token', async () => {
      const res = await t.http.post(REFRESH).send({}).expect(400);
      expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(detailFields(res.body)).toEqual(['refresh_token']);
    });

    it('should answer 401 for an expired refresh token', async () => {
      const short = await startTestApp({ JWT_REFRESH_EXPIRES_IN: '1s' });
      try {
        const s = await signUp(short.http);
        const issuedBefore = Date.now();
        // The token lives 1 s from its issue; wait until that moment has surely passed.
        await waitFor(() => Date.now() > issuedBefore + 1100, { what: 'the token to expire' });
        const res = await short.http
          .post(REFRESH)
          .send({ refresh_token: s.refreshToken })
          .expect(401);
        expect(res.body).toEqual(errorBody('UNAUTHORIZED'));
        // A fresh token of the same app still works: the 401 came from the expiry.
        const fresh = await short.http
          .post(LOGIN)
          .send({ email: s.email, password: s.password })
          .expect(200);
        await short.http
          .post(REFRESH)
          .send({ refresh_token: fresh.body.refresh_token })
          .expect(200);
      } finally {
        await short.close();
      }
    });
  });

  describe('POST /auth/logout', () => {
    it('should answer 204 and end the family', async () => {
      const s = await signUp(t.http);
      const rotated = await t.http
        .post(REFRESH)
        .send({ refresh_token: s.refreshToken })
        .expect(200);
      const res = await t.http
        .post(LOGOUT)
        .send({ refresh_token: rotated.body.refresh_token })
        .expect(204);
      expect(res.text).toBe('');
      const after = await t.http
        .post(REFRESH)
        .send({ refresh_token: rotated.body.refresh_token })
        .expect(401);
      expect(after.body).toEqual(errorBody('UNAUTHORIZED'));
      await t.http.post(LOGOUT).send({ refresh_token: rotated.body.refresh_token }).expect(401);
    });

    it('should answer 401 for an unknown refresh token', async () => {
      const res = await t.http
        .post(LOGOUT)
        .send({ refresh_token: 'not-a-token-anyone-was-given' })
        .expect(401);
      expect(res.body).toEqual(errorBody('UNAUTHORIZED'));
    });

    it('should treat a retired token as a replay: 401, and the family is revoked', async () => {
      const s = await signUp(t.http);
      const rotated = await t.http
        .post(REFRESH)
        .send({ refresh_token: s.refreshToken })
        .expect(200);
      await t.http.post(LOGOUT).send({ refresh_token: s.refreshToken }).expect(401);
      await t.http.post(REFRESH).send({ refresh_token: rotated.body.refresh_token }).expect(401);
    });
  });

  describe('access token issuer and audience', () => {
    /** The e2e signing secret (test/setup/global-setup.ts), as the app under test uses it. */
    const secret = (): string => process.env.JWT_SECRET ?? '';
    let userId: number;

    beforeAll(async () => {
      userId = (await signUp(t.http)).id;
    });

    // Another deployment sharing the secret signs exactly like these (its own iss or aud).
    it.each([
      {
        claims: 'the right issuer and audience',
        options: { issuer: 'task-service', audience: 'task-api' },
        status: 200,
      },
      {
        claims: 'another issuer',
        options: { issuer: 'task-service-eu', audience: 'task-api' },
        status: 401,
      },
      {
        claims: 'another audience',
        options: { issuer: 'task-service', audience: 'task-api-eu' },
        status: 401,
      },
      { claims: 'no issuer', options: { audience: 'task-api' }, status: 401 },
      { claims: 'no audience', options: { issuer: 'task-service' }, status: 401 },
      { claims: 'neither', options: {}, status: 401 },
    ])(
      'should answer $status to a token signed with the right secret and $claims',
      async ({ options, status }) => {
        const token = jwt.sign({ sub: String(userId) }, secret(), {
          algorithm: 'HS256',
          expiresIn: 60,
          ...options,
        });
        const res = await t.http.get(ME).set('Authorization', `Bearer ${token}`).expect(status);
        if (status === 401) expect(res.body).toEqual(errorBody('UNAUTHORIZED'));
        else expect(res.body.id).toBe(userId);
      },
    );
  });
});
