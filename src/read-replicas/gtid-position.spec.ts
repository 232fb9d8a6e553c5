import { caughtUpTo, gtidFlavorOf, hasReached, parseGtidPosition } from './gtid-position';

const maria = (text: string) => parseGtidPosition(text, 'mariadb')!;
const mysql = (text: string) => parseGtidPosition(text, 'mysql')!;

const A = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const B = '2174b383-5441-11e8-b90a-c80aa9429562';

describe('GTID positions', () => {
  it('should tell the flavour from the server version', () => {
    expect(gtidFlavorOf('10.11.19-MariaDB-log')).toBe('mariadb');
    expect(gtidFlavorOf('8.4.3')).toBe('mysql');
    expect(gtidFlavorOf('8.0.40-0ubuntu0.22.04.1')).toBe('mysql');
  });

  describe('MariaDB (domain-server-sequence)', () => {
    it('should parse one or several domains, and the empty position', () => {
      expect(maria('0-1-42')).toEqual(new Map([['0', [[1n, 42n]]]]));
      expect(maria('0-1-42,3-2-7')).toEqual(
        new Map([
          ['0', [[1n, 42n]]],
          ['3', [[1n, 7n]]],
        ]),
      );
      expect(maria('')).toEqual(new Map());
      expect(parseGtidPosition('0-1', 'mariadb')).toBeNull();
      expect(parseGtidPosition('abc', 'mariadb')).toBeNull();
    });

    it('should compare per domain', () => {
      expect(hasReached(maria('0-1-42'), maria('0-1-42'))).toBe(true);
      expect(hasReached(maria('0-1-43'), maria('0-1-42'))).toBe(true);
      // The server id in the middle changes on a failover; only the sequence counts.
      expect(hasReached(maria('0-2-43'), maria('0-1-42'))).toBe(true);
      expect(hasReached(maria('0-1-41'), maria('0-1-42'))).toBe(false);
      expect(hasReached(maria('0-1-50'), maria('0-1-42,1-1-1'))).toBe(false);
      expect(hasReached(maria(''), maria(''))).toBe(true);
      expect(hasReached(maria(''), maria('0-1-0'))).toBe(true);
    });
  });

  describe('MySQL (gtid_executed sets)', () => {
    it('should parse sets with several intervals, sources, tags and line breaks', () => {
      expect(mysql(`${A.toUpperCase()}:1-5:11-18,\n${B}:1-3`)).toEqual(
        new Map([
          [
            A,
            [
              [1n, 5n],
              [11n, 18n],
            ],
          ],
          [B, [[1n, 3n]]],
        ]),
      );
      // Touching intervals join; a single transaction is an interval of one.
      expect(mysql(`${A}:1-5:6-9:12`)).toEqual(
        new Map([
          [
            A,
            [
              [1n, 9n],
              [12n, 12n],
            ],
          ],
        ]),
      );
      expect(mysql(`${A}:1-5:nightly:1-2`)).toEqual(
        new Map([
          [A, [[1n, 5n]]],
          [`${A}:nightly`, [[1n, 2n]]],
        ]),
      );
      expect(mysql('')).toEqual(new Map());
    });

    it('should refuse what is not a GTID set', () => {
      expect(parseGtidPosition('0-1-42', 'mysql')).toBeNull();
      expect(parseGtidPosition(`${A}`, 'mysql')).toBeNull();
      expect(parseGtidPosition(`${A}:5-1`, 'mysql')).toBeNull();
      expect(parseGtidPosition(`${A}:1-x`, 'mysql')).toBeNull();
      expect(parseGtidPosition('not-a-uuid:1-5', 'mysql')).toBeNull();
    });

    it('should hold a set only when every interval of it is held', () => {
      expect(hasReached(mysql(`${A}:1-20`), mysql(`${A}:1-18`))).toBe(true);
      expect(hasReached(mysql(`${A}:1-18,${B}:1-3`), mysql(`${A}:1-18`))).toBe(true);
      expect(hasReached(mysql(`${A}:1-17`), mysql(`${A}:1-18`))).toBe(false);
      // A gap on the replica (a transaction not yet applied, with later ones applied).
      expect(hasReached(mysql(`${A}:1-9:11-20`), mysql(`${A}:1-18`))).toBe(false);
      expect(hasReached(mysql(`${A}:1-20`), mysql(`${A}:1-18,${B}:1`))).toBe(false);
      expect(hasReached(mysql(`${A}:1-20`), mysql(`${A}:1-5:nightly:1`))).toBe(false);
      expect(hasReached(mysql(''), mysql(''))).toBe(true);
    });
  });

  it('should date a replica by the newest primary sample it has reached', () => {
    const samples = [
      { at: 1000, position: maria('0-1-10') },
      { at: 1500, position: maria('0-1-12') },
      { at: 2000, position: maria('0-1-15') },
    ];
    expect(caughtUpTo(maria('0-1-15'), samples)).toBe(2000);
    expect(caughtUpTo(maria('0-1-13'), samples)).toBe(1500);
    expect(caughtUpTo(maria('0-1-9'), samples)).toBeNull();
    const mysqlSamples = [
      { at: 1000, position: mysql(`${A}:1-10`) },
      { at: 2000, position: mysql(`${A}:1-15`) },
    ];
    expect(caughtUpTo(mysql(`${A}:1-12`), mysqlSamples)).toBe(1000);
  });
});
