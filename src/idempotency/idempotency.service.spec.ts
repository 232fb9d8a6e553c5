import { canonicalJson, requestHash } from './idempotency.service';
import { parseIdempotencyKey } from './idempotency-key.decorator';
import { ValidationFailedError } from '../common/errors/domain-errors';

describe('canonicalJson / requestHash', () => {
  it('should not depend on key order and should drop undefined fields', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: null }], c: undefined })).toBe(
      '{"a":[{"x":null,"y":2}],"b":1}',
    );
    expect(requestHash('POST /tasks', { title: 'a', priority: 'high' })).toBe(
      requestHash('POST /tasks', { priority: 'high', title: 'a' }),
    );
  });

  it('should differ between bodies and between operations', () => {
    const hash = requestHash('POST /tasks', { title: 'a' });
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(requestHash('POST /tasks', { title: 'b' })).not.toBe(hash);
    expect(requestHash('POST /tasks/export', { title: 'a' })).not.toBe(hash);
  });
});

describe('parseIdempotencyKey', () => {
  it('should accept 1-255 printable ASCII characters and absence', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(parseIdempotencyKey('a b~!')).toBe('a b~!');
    expect(parseIdempotencyKey('k'.repeat(255))).toHaveLength(255);
  });

  it.each(['', 'k'.repeat(256), 'tab\there', 'clé', '\u0000'])('should refuse %j', (key) => {
    expect(() => parseIdempotencyKey(key)).toThrow(ValidationFailedError);
  });

  it('should refuse a repeated header', () => {
    expect(() => parseIdempotencyKey(['a', 'b'])).toThrow(ValidationFailedError);
  });
});
