import { detailFields, usernames } from './helpers/bodies';
import { randomBytes } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
import { errorBody, newUser, Session, signUp } from './helpers/factories';
import { startTestApp, TestApp } from './helpers/app';

const ME = '/api/v1/users/me';
const USERS = '/api/v1/users';

/** The e2e signing secret (test/setup/global-setup.ts), as the app under test uses it. */
function secret(): string {
  const value = process.env.JWT_SECRET;
  if (!value) throw new Error('JWT_SECRET is not set by the e2e global setup');
  return value;
}

/**
 * Signs with the app's default issuer and audience (JWT_ISSUER, JWT_AUDIENCE), so that each
 * hand-made token below is refused for the one reason its case names.
 */
const sign = (payload: object, key: string, options: jwt.SignOptions): string =>
  jwt.sign(payload, key, { issuer: 'task-service', audience: 'task-api', ...options });

const nowSec = (): number => Math.floor(Date.now() / 1000);
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('Users and access tokens (e2e)', () => {
  let t: TestApp;
  let alice: Session;

  beforeAll(async () => {
    t = await startTestApp();
    alice = await signUp(t.http);
  });

  afterAll(async () => {
    await t.close();
  });

  const me = (authorization?: string) => {
    const req = t.http.get(ME);
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };

  describe('GET /users/me', () => {
    it('should answer 200 with exactly the User fields', async () => {
      const res = await me(alice.auth.Authorization).expect(200);
      expect(res.body).toEqual({
        id: alice.id,
        username: alice.username,
        email: alice.email,
        created_at: expect.stringMatching(/Z$/),
      });
    });

    it("should give each user's token only that user's own profile", async () => {
      const bob = await signUp(t.http);
      const asAlice = await me(alice.auth.Authorization).expect(200);
      const asBob = await me(bob.auth.Authorization).expect(200);
      expect(asAlice.body.id).toBe(alice.id);
      expect(asBob.body).toMatchObject({ id: bob.id, email: bob.email });
      expect(asBob.body.id).not.toBe(alice.id);
    });

    it('should accept a hand-signed HS256 token with sub, iat and exp (control case)', async () => {
      const token = sign({ sub: String(alice.id) }, secret(), {
        algorithm: 'HS256',
        expiresIn: 60,
      });
      const res = await me(`Bearer ${token}`).expect(200);
      expect(res.body.id).toBe(alice.id);
    });
  });

  describe('access tokens that answer 401', () => {
    const cases: Array<[string, () => string | undefined]> = [
      ['a missing Authorization header', () => undefined],
      ['an empty Authorization header', () => ''],
      ['a malformed bearer token', () => 'Bearer x'],
      ['a bearer without a token', () => 'Bearer '],
      ['the Basic scheme', () => `Basic ${alice.token}`],
      ['a token without a scheme', () => alice.token],
      [
        'an expired token',
        () =>
          `Bearer ${sign(
            { sub: String(alice.id), iat: nowSec() - 120, exp: nowSec() - 60 },
            secret(),
            { algorithm: 'HS256' },
          )}`,
      ],
      [
        'a token whose payload was tampered with',
        () => {
          const [header, , signature] = alice.token.split('.');
          const claims = JSON.parse(Buffer.from(alice.token.split('.')[1], 'base64url').toString());
          return `Bearer ${header}.${b64({ ...claims, sub: String(alice.id + 1) })}.${signature}`;
        },
      ],
      [
        'a token signed with another secret',
        () =>
          `Bearer ${sign({ sub: String(alice.id) }, randomBytes(32).toString('hex'), {
            algorithm: 'HS256',
            expiresIn: 60,
          })}`,
      ],
      [
        'an alg:none token',
        () =>
          `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({
            sub: String(alice.id),
            iss: 'task-service',
            aud: 'task-api',
            iat: nowSec(),
            exp: nowSec() + 60,
          })}.`,
      ],
      [
        'an HS512 token signed with the right secret',
        () =>
          `Bearer ${sign({ sub: String(alice.id) }, secret(), {
            algorithm: 'HS512',
            expiresIn: 60,
          })}`,
      ],
      [
        'a token without exp',
        () => `Bearer ${sign({ sub: String(alice.id) }, secret(), { algorithm: 'HS256' })}`,
      ],
      [
        'a token without iat',
        () =>
          `Bearer ${sign({ sub: String(alice.id), exp: nowSec() + 60 }, secret(), {
            algorithm: 'HS256',
            noTimestamp: true,
          })}`,
      ],
      [
        'a token with a non-numeric sub',
        () => `Bearer ${sign({ sub: 'alice' }, secret(), { algorithm: 'HS256', expiresIn: 60 })}`,
      ],
      [
        'a token with a numeric (not string) sub',
        () => `Bearer ${sign({ sub: alice.id }, secret(), { algorithm: 'HS256', expiresIn: 60 })}`,
      ],
      [
        'a token of a user that does not exist',
        () =>
          `Bearer ${sign({ sub: '4000000000' }, secret(), {
            algorithm: 'HS256',
            expiresIn: 60,
          })}`,
      ],
    ];

    it.each(cases)('should answer 401 with the error body for %s', async (_name, header) => {
      const res = await me(header()).expect(401);
      expect(res.body).toEqual(errorBody('UNAUTHORIZED'));
    });
  });

  describe('GET /users', () => {
    /** Registers users whose names share a fresh prefix, so that searches see only them. */
    async function registerWithPrefix(suffixes: string[]): Promise<{ prefix: string }> {
      const prefix = `s${randomBytes(4).toString('hex')}`;
      for (const suffix of suffixes) {
        await t.http
          .post('/api/v1/auth/register')
          .send(newUser({ username: `${prefix}${suffix}` }))
          .expect(201);
      }
      return { prefix };
    }

    it('should find users by username prefix, as [{id, username}] only, in name order', async () => {
      const { prefix } = await registerWithPrefix(['_c', '_a', '_b']);
      const res = await t.http.get(USERS).query({ q: prefix }).set(alice.auth).expect(200);
      expect(usernames(res.body)).toEqual([`${prefix}_a`, `${prefix}_b`, `${prefix}_c`]);
      for (const user of res.body) expect(Object.keys(user).sort()).toEqual(['id', 'username']);
      expect(res.text).not.toContain('@');
    });

    it('should match the prefix case-insensitively', async () => {
      const { prefix } = await registerWithPrefix(['x']);
      const res = await t.http
        .get(USERS)
        .query({ q: prefix.toUpperCase() })
        .set(alice.auth)
        .expect(200);
      expect(res.body).toEqual([{ id: expect.any(Number), username: `${prefix}x` }]);
    });

    it('should honour limit', async () => {
      const { prefix } = await registerWithPrefix(['1', '2', '3']);
      const res = await t.http
        .get(USERS)
        .query({ q: prefix, limit: 2 })
        .set(alice.auth)
        .expect(200);
      expect(usernames(res.body)).toEqual([`${prefix}1`, `${prefix}2`]);
    });

    it.each(['0', '51', 'abc', '1.5', '-1'])(
      'should answer 400 naming limit for limit=%s',
      async (limit) => {
        const res = await t.http.get(USERS).query({ limit }).set(alice.auth).expect(400);
        expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
        expect(detailFields(res.body)).toEqual(['limit']);
      },
    );

    it('should accept limit=1 and limit=50', async () => {
      const { prefix } = await registerWithPrefix(['a', 'b']);
      const one = await t.http
        .get(USERS)
        .query({ q: prefix, limit: 1 })
        .set(alice.auth)
        .expect(200);
      expect(one.body).toHaveLength(1);
      const fifty = await t.http
        .get(USERS)
        .query({ q: prefix, limit: 50 })
        .set(alice.auth)
        .expect(200);
      expect(fifty.body).toHaveLength(2);
    });

    it('should ignore unknown query parameters', async () => {
      const { prefix } = await registerWithPrefix(['a']);
      const res = await t.http
        .get(USERS)
        .query({ q: prefix, sort: 'email', role: 'admin' })
        .set(alice.auth)
        .expect(200);
      expect(res.body).toEqual([{ id: expect.any(Number), username: `${prefix}a` }]);
    });

    it('should treat _ and % in q literally', async () => {
      const { prefix } = await registerWithPrefix(['_a', 'xa', 'ya']);
      const underscore = await t.http
        .get(USERS)
        .query({ q: `${prefix}_` })
        .set(alice.auth)
        .expect(200);
      expect(usernames(underscore.body)).toEqual([`${prefix}_a`]);
      const percent = await t.http
        .get(USERS)
        .query({ q: `${prefix}%` })
        .set(alice.auth)
        .expect(200);
      expect(percent.body).toEqual([]);
    });

    it('should answer 401 without a token', async () => {
      const res = await t.http.get(USERS).expect(401);
      expect(res.body).toEqual(errorBody('UNAUTHORIZED'));
    });
  });
});
