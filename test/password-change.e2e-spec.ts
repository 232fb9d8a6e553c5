import { startTestApp, TestApp } from './helpers/app';
import { ALL_SCOPES, createAccessToken } from './helpers/access-tokens';
import { errorBody, Session, signUp } from './helpers/factories';
import { detailFields } from './helpers/tasks';

const PASSWORD = '/api/v1/users/me/password';
const LOGIN = '/api/v1/auth/login';
const REFRESH = '/api/v1/auth/refresh';
const ME = '/api/v1/users/me';

describe('POST /users/me/password (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const login = (user: Session, password: string) =>
    t.http.post(LOGIN).send({ email: user.email, password });

  it('should change the password and revoke every refresh token of the user', async () => {
    const user = await signUp(t.http);
    // A second device: its own session family.
    const other = (await login(user, user.password).expect(200)).body as {
      refresh_token: string;
    };
    const token = await createAccessToken(t.http, user, ['tasks:read']);

    await t.http
      .post(PASSWORD)
      .set(user.auth)
      .send({ current_password: user.password, new_password: 'a brand new secret' })
      .expect(204);

    await login(user, user.password).expect(401);
    await login(user, 'a brand new secret').expect(200);
    for (const refreshToken of [user.refreshToken, other.refresh_token]) {
      const res = await t.http.post(REFRESH).send({ refresh_token: refreshToken }).expect(401);
      expect(res.body).toEqual(errorBody('UNAUTHORIZED'));
    }
    // Access tokens already issued last until they expire; personal access tokens stay.
    await t.http.get(ME).set(user.auth).expect(200);
    await t.http.get(ME).set(token.auth).expect(200);
  });

  it('should answer 401 to a wrong current password and change nothing', async () => {
    const user = await signUp(t.http);
    for (const current of ['not the password', 'x'.repeat(73), 'pass\u0000word']) {
      const res = await t.http
        .post(PASSWORD)
        .set(user.auth)
        .send({ current_password: current, new_password: 'a brand new secret' })
        .expect(401);
      expect(res.body).toEqual({
        ...errorBody('UNAUTHORIZED'),
        error: 'current_password is wrong',
      });
    }
    await login(user, user.password).expect(200);
    await t.http.post(REFRESH).send({ refresh_token: user.refreshToken }).expect(200);
  });

  it.each([
    ['a new password of 7 bytes', { new_password: 'short12' }, 'new_password'],
    ['a new password of 73 bytes', { new_password: 'x'.repeat(73) }, 'new_password'],
    ['a control character', { new_password: 'password\u0007x' }, 'new_password'],
    ['a NUL', { new_password: 'password\u0000x' }, 'new_password'],
    ['a lone surrogate', { new_password: 'password\uD800' }, 'new_password'],
    ['no new password', { new_password: undefined }, 'new_password'],
    ['no current password', { current_password: undefined }, 'current_password'],
    ['an unknown field', { user_id: 1 }, 'user_id'],
  ])('should answer 400 naming the field for %s', async (_name, change, field) => {
    const user = await signUp(t.http);
    const res = await t.http
      .post(PASSWORD)
      .set(user.auth)
      .send({ current_password: user.password, new_password: 'a brand new secret', ...change })
      .expect(400);
    expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
    expect(detailFields(res.body)).toEqual([field]);
    await login(user, user.password).expect(200);
  });

  it('should accept a new password of exactly 72 bytes, counted in bytes', async () => {
    const user = await signUp(t.http);
    const password = 'é'.repeat(36); // 72 bytes
    await t.http
      .post(PASSWORD)
      .set(user.auth)
      .send({ current_password: user.password, new_password: password })
      .expect(204);
    await login(user, password).expect(200);
  });

  it('should refuse a personal access token with 403 and need a token at all', async () => {
    const user = await signUp(t.http);
    const token = await createAccessToken(t.http, user, ALL_SCOPES);
    const body = { current_password: user.password, new_password: 'a brand new secret' };
    const res = await t.http.post(PASSWORD).set(token.auth).send(body).expect(403);
    expect(res.body).toEqual(errorBody('FORBIDDEN'));
    await t.http.post(PASSWORD).send(body).expect(401);
    await login(user, user.password).expect(200);
  });
});
