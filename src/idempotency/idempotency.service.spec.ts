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

  it('should hash exactly as the hand-written canonical JSON did, so stored keys stay valid', () => {
    // Output of the implementation this library replaced, for keys stored before the upgrade.
    const body = {
      title: '完成 "doc"\n',
      priority: 'high',
      due_date: new Date('2026-02-01T00:00:00Z'),
      nested: [{ z: 1, a: [null, undefined] }],
      assignee_id: null,
      description: undefined,
      é: 1,
      Z: 2,
    };
    expect(canonicalJson(body)).toBe(
      '{"Z":2,"assignee_id":null,"due_date":"2026-02-01T00:00:00.000Z","nested":[{"a":[null,null],"z":1}],"priority":"high","title":"完成 \\"doc\\"\\n","é":1}',
    );
    expect(requestHash('POST /tasks', body)).toBe(
      '49786d2a160c75755462fe7dd992de8b88e2c1638a1b756f036cc2877b7f58f3',
    );
  });

  it('should hash a class instance (a validated DTO) like the plain object', () => {
    class Dto {
      title = 'a';
      priority = 'high';
    }
    expect(requestHash('POST /tasks', new Dto())).toBe(
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
