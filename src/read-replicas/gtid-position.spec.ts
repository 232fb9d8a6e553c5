import { caughtUpTo, hasReached, parseGtidPosition } from './gtid-position';

const pos = (text: string) => parseGtidPosition(text)!;

describe('GTID positions', () => {
  it('should parse one or several domains, and the empty position', () => {
    expect(pos('0-1-42')).toEqual(new Map([[0, 42n]]));
    expect(pos('0-1-42,3-2-7')).toEqual(
      new Map([
        [0, 42n],
        [3, 7n],
      ]),
    );
    expect(pos('')).toEqual(new Map());
    expect(parseGtidPosition('0-1')).toBeNull();
    expect(parseGtidPosition('abc')).toBeNull();
  });

  it('should compare per domain', () => {
    expect(hasReached(pos('0-1-42'), pos('0-1-42'))).toBe(true);
    expect(hasReached(pos('0-1-43'), pos('0-1-42'))).toBe(true);
    expect(hasReached(pos('0-1-41'), pos('0-1-42'))).toBe(false);
    expect(hasReached(pos('0-1-50'), pos('0-1-42,1-1-1'))).toBe(false);
    expect(hasReached(pos(''), pos(''))).toBe(true);
  });

  it('should date a replica by the newest primary sample it has reached', () => {
    const samples = [
      { at: 1000, position: pos('0-1-10') },
      { at: 1500, position: pos('0-1-12') },
      { at: 2000, position: pos('0-1-15') },
    ];
    expect(caughtUpTo(pos('0-1-15'), samples)).toBe(2000);
    expect(caughtUpTo(pos('0-1-13'), samples)).toBe(1500);
    expect(caughtUpTo(pos('0-1-9'), samples)).toBeNull();
  });
});
