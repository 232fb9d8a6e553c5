import { authUserFromClaims } from './jwt-claims';
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
