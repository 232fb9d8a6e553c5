import { errorBody, newUser, signUp } from './helpers/factories';
import { startTestApp, TestApp } from './helpers/app';

describe('Auth (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('should register, log in and read /users/me', async () => {
    const user = newUser({ email: `Mixed.${Date.now()}@Example.COM` });
    const reg = await t.http.post('/api/v1/auth/register').send(user).expect(201);
    expect(reg.body).toEqual({
      message: expect.any(String),
      user: {
        id: expect.any(Number),
        username: user.username,
        email: user.email.toLowerCase(),
        created_at: expect.any(String),
      },
    });
    const login = await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email.toUpperCase(), password: user.password })
      .expect(200);
    expect(login.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 900,
      user: { id: reg.body.user.id },
    });
    const me = await t.http
      .get('/api/v1/users/me')
      .set('Authorization', `Bearer ${login.body.token}`)
      .expect(200);
    expect(me.body).toEqual(reg.body.user);
  });

  it('should answer 401 for a missing token with the error body', async () => {
    const res = await t.http.get('/api/v1/users/me').expect(401);
    expect(res.body).toEqual(errorBody('UNAUTHORIZED'));
    expect(res.headers['x-request-id']).toBe(res.body.request_id);
  });

  it('should rotate refresh tokens', async () => {
    const s = await signUp(t.http);
    const first = await t.http
      .post('/api/v1/auth/refresh')
      .send({ refresh_token: s.refreshToken })
      .expect(200);
    expect(first.body.refresh_token).not.toBe(s.refreshToken);
  });
});
