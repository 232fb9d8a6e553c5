import { compareStreamIds, isStreamId, streamIdTime } from './stream-id';

describe('stream ids', () => {
  it('should accept only <ms>-<seq>', () => {
    expect(isStreamId('1764700000000-0')).toBe(true);
    expect(isStreamId('1764700000000')).toBe(false);
    expect(isStreamId('abc-1')).toBe(false);
    expect(isStreamId(42)).toBe(false);
    expect(isStreamId('1-2-3')).toBe(false);
  });

  it('should order by time, then by sequence, numerically', () => {
    expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareStreamIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareStreamIds('10-3', '10-3')).toBe(0);
    expect(compareStreamIds('11-0', '10-99')).toBeGreaterThan(0);
    expect(streamIdTime('1764700000123-4')).toBe(1764700000123);
  });
});
