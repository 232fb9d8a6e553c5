import { randomBytes } from 'node:crypto';
import type TestAgent from 'supertest/lib/agent';

let sequence = 0;

/** A unique, valid registration body. */
export function newUser(
  overrides: Partial<{ username: string; email: string; password: string }> = {},
): {
  username: string;
  email: string;
  password: string;
} {
  sequence += 1;
  const tag = `${randomBytes(3).toString('hex')}${sequence}`;
  return {
    username: `u_${tag}`.slice(0, 20),
    email: `user.${tag}@example.com`,
    password: `pw-${tag}-secret`,
    ...overrides,
  };
}

export interface Session {
  id: number;
  username: string;
  email: string;
  password: string;
  token: string;
  refreshToken: string;
  auth: { Authorization: string };
}

/** Registers and logs in a fresh user. */
export async function signUp(http: TestAgent): Promise<Session> {
  const user = newUser();
  const registered = await http.post('/api/v1/auth/register').send(user).expect(201);
  const login = await http
    .post('/api/v1/auth/login')
    .send({ email: user.email, password: user.password })
    .expect(200);
  return {
    id: registered.body.user.id as number,
    ...user,
    token: login.body.token as string,
    refreshToken: login.body.refresh_token as string,
    auth: { Authorization: `Bearer ${login.body.token as string}` },
  };
}

/** The contract's error body, for `expect(res.body).toMatchObject(errorBody('NOT_FOUND'))`. */
export function errorBody(code: string): { error: unknown; code: string; request_id: unknown } {
  return { error: expect.any(String), code, request_id: expect.any(String) };
}
