import { createHash } from 'node:crypto';
import { hashAccessToken, isAccessTokenShape, newAccessToken } from './access-token-secret';

describe(newAccessToken.name, () => {
  it('should make distinct tms_ tokens of 256 random bits that pass the shape check', () => {
    const tokens = new Set(Array.from({ length: 100 }, newAccessToken));
    expect(tokens.size).toBe(100);
    for (const token of tokens) {
      expect(token).toMatch(/^tms_[A-Za-z0-9_-]{43}$/);
      expect(isAccessTokenShape(token)).toBe(true);
    }
  });

  it('should refuse other shapes without a lookup', () => {
    for (const token of ['tms_', 'tms_abc', `tms_${'a'.repeat(44)}`, `tms_${'a'.repeat(42)}=`]) {
      expect(isAccessTokenShape(token)).toBe(false);
    }
  });

  it('should store the SHA-256 of the whole token, in hex', () => {
    const token = newAccessToken();
    expect(hashAccessToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
  });
});
