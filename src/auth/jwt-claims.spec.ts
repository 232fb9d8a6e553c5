import * as jwt from 'jsonwebtoken';
import { loadConfig } from '../config/env';
import { authUserFromClaims, jwtKey, jwtSignOptions, jwtVerifyOptions } from './jwt-claims';
import { hashRefreshToken, newRefreshToken } from './token-hash';

describe(authUserFromClaims.name, () => {
  const now = 1_800_000_000;

  it('should return the caller for a positive integer sub with iat and exp', () => {
    expect(authUserFromClaims({ sub: '42', iat: now, exp: now + 900 })).toEqual({ id: 42 });
  });

  it.each([
    ['no exp', { sub: '42', iat: now }],
    ['no iat', { sub: '42', exp: now + 900 }],
    ['a string exp', { sub: '42', iat: now, exp: String(now + 900) }],
    ['no sub', { iat: now, exp: now + 900 }],
    ['a numeric (not string) sub', { sub: 42, iat: now, exp: now + 900 }],
    ['a non-numeric sub', { sub: 'alice', iat: now, exp: now + 900 }],
    ['a zero sub', { sub: '0', iat: now, exp: now + 900 }],
    ['a negative sub', { sub: '-1', iat: now, exp: now + 900 }],
    ['a leading-zero sub', { sub: '042', iat: now, exp: now + 900 }],
    ['a fractional sub', { sub: '4.2', iat: now, exp: now + 900 }],
    ['an 11-digit sub', { sub: '12345678901', iat: now, exp: now + 900 }],
  ])('should refuse claims with %s', (_name, claims) => {
    expect(authUserFromClaims(claims)).toBeNull();
  });
});

describe('refresh token hashing', () => {
  it('should make 256-bit URL-safe tokens that differ every time', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => newRefreshToken()));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(token).toMatch(/^[\w-]{43}$/);
  });

  it('should store the SHA-256 hex of a token, not the token', () => {
    expect(hashRefreshToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('access token issuer and audience', () => {
  const secret = 'unit-test-secret-that-is-at-least-32-chars';
  const key = jwtKey(secret);
  const here = loadConfig({ JWT_SECRET: secret }).jwt;
  const verify = (token: string): unknown => jwt.verify(token, key, jwtVerifyOptions(here));
  /** Signed with the right secret and algorithm, claims chosen by the test. */
  const signed = (options: jwt.SignOptions): string =>
    jwt.sign({ sub: '7' }, secret, { algorithm: 'HS256', expiresIn: 60, ...options });

  it('should sign iss and aud from the configuration (defaults task-service, task-api)', () => {
    const token = jwt.sign({ sub: '7' }, key, jwtSignOptions(here));
    expect(jwt.decode(token)).toMatchObject({
      sub: '7',
      iss: 'task-service',
      aud: 'task-api',
      exp: expect.any(Number),
    });
    expect(verify(token)).toMatchObject({ sub: '7' });
  });

  it.each([
    ['another issuer', { issuer: 'other-service', audience: 'task-api' }],
    ['another audience', { issuer: 'task-service', audience: 'other-api' }],
    ['no issuer', { audience: 'task-api' }],
    ['no audience', { issuer: 'task-service' }],
    ['neither', {}],
  ])('should refuse a correctly signed token with %s', (_name, options) => {
    expect(() => verify(signed(options))).toThrow(jwt.JsonWebTokenError);
  });

  it("should refuse another deployment's token even when both share the secret", () => {
    const there = loadConfig({ JWT_SECRET: secret, JWT_AUDIENCE: 'task-api-eu' }).jwt;
    const theirs = jwt.sign({ sub: '7' }, key, jwtSignOptions(there));
    expect(() => verify(theirs)).toThrow(/jwt audience invalid/);
  });
});
