import {
  bucketBoundaries,
  bucketPlan,
  canonicalTimeZone,
  defaultFrom,
  isTimeZone,
  MAX_BUCKETS,
  TooManyBucketsError,
} from './time-buckets';

const iso = (ms: number): string => new Date(ms).toISOString();
const d = (s: string): Date => new Date(s);
const HOUR = 3_600_000;
const lengths = (b: number[]): number[] => b.slice(1).map((t, i) => (t - b[i]) / HOUR);

describe('time buckets', () => {
  describe(isTimeZone.name, () => {
    it('should accept IANA names and refuse unknown names and offsets', () => {
      for (const tz of ['UTC', 'Europe/Berlin', 'Asia/Shanghai', 'America/Sao_Paulo', 'Etc/GMT+5'])
        expect({ tz, ok: isTimeZone(tz) }).toEqual({ tz, ok: true });
      for (const tz of ['Mars/Base', '', '+01:00', 'Europe/../UTC', ' UTC', 'a'.repeat(100)])
        expect({ tz, ok: isTimeZone(tz) }).toEqual({ tz, ok: false });
    });

    it('should name a zone the way the runtime spells it', () => {
      expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    });
  });

  describe(bucketBoundaries.name, () => {
    it('should cut UTC days at midnight, the last bucket holding the instant before `to`', () => {
      const b = bucketBoundaries(
        d('2026-01-01T10:00:00Z'),
        d('2026-01-04T00:00:00Z'),
        'day',
        'UTC',
      );
      expect(b.map(iso)).toEqual([
        '2026-01-01T00:00:00.000Z',
        '2026-01-02T00:00:00.000Z',
        '2026-01-03T00:00:00.000Z',
        '2026-01-04T00:00:00.000Z',
      ]);
      const partial = bucketBoundaries(
        d('2026-01-01T00:00:00Z'),
        d('2026-01-03T00:00:00.001Z'),
        'day',
        'UTC',
      );
      expect(partial).toHaveLength(4);
    });

    it('should make the spring-forward day 23 hours and the fall-back day 25 in Berlin', () => {
      const spring = bucketBoundaries(
        d('2026-03-28T12:00:00Z'),
        d('2026-03-30T12:00:00Z'),
        'day',
        'Europe/Berlin',
      );
      expect(spring.map(iso)).toEqual([
        '2026-03-27T23:00:00.000Z', // 28 March 00:00 CET
        '2026-03-28T23:00:00.000Z', // 29 March 00:00 CET
        '2026-03-29T22:00:00.000Z', // 30 March 00:00 CEST
        '2026-03-30T22:00:00.000Z',
      ]);
      expect(lengths(spring)).toEqual([24, 23, 24]);
      const fall = bucketBoundaries(
        d('2026-10-25T00:00:00Z'),
        d('2026-10-26T12:00:00Z'),
        'day',
        'Europe/Berlin',
      );
      expect(fall.map(iso)).toEqual([
        '2026-10-24T22:00:00.000Z',
        '2026-10-25T23:00:00.000Z',
        '2026-10-26T23:00:00.000Z',
      ]);
      expect(lengths(fall)).toEqual([25, 24]);
    });

    it('should start a day after a DST jump that skips midnight (Santiago, September)', () => {
      // Chile moves clocks from 24:00 to 01:00 on the first Sunday of September 2026.
      const b = bucketBoundaries(
        d('2026-09-05T12:00:00Z'),
        d('2026-09-06T12:00:00Z'),
        'day',
        'America/Santiago',
      );
      expect(b.map(iso)).toEqual([
        '2026-09-05T04:00:00.000Z', // 5 Sep 00:00 -04
        '2026-09-06T04:00:00.000Z', // 6 Sep 01:00 -03: midnight does not exist
        '2026-09-07T03:00:00.000Z',
      ]);
      expect(lengths(b)).toEqual([24, 23]);
    });

    it('should start weeks on Monday in the zone, across the DST change', () => {
      // 2026-03-25 is a Wednesday; its week starts Monday 23 March.
      const b = bucketBoundaries(
        d('2026-03-25T12:00:00Z'),
        d('2026-04-01T12:00:00Z'),
        'week',
        'Europe/Berlin',
      );
      expect(b.map(iso)).toEqual([
        '2026-03-22T23:00:00.000Z',
        '2026-03-29T22:00:00.000Z',
        '2026-04-05T22:00:00.000Z',
      ]);
      expect(lengths(b)).toEqual([7 * 24 - 1, 7 * 24]);
      // A Sunday belongs to the week of the Monday before it.
      const sunday = bucketBoundaries(
        d('2026-03-01T12:00:00Z'),
        d('2026-03-01T13:00:00Z'),
        'week',
        'UTC',
      );
      expect(sunday.map(iso)).toEqual(['2026-02-23T00:00:00.000Z', '2026-03-02T00:00:00.000Z']);
    });

    it('should cut months at the 1st in the zone, whatever their length', () => {
      const b = bucketBoundaries(
        d('2024-01-15T00:00:00Z'),
        d('2024-04-15T00:00:00Z'),
        'month',
        'Asia/Shanghai',
      );
      expect(b.map(iso)).toEqual([
        '2023-12-31T16:00:00.000Z',
        '2024-01-31T16:00:00.000Z',
        '2024-02-29T16:00:00.000Z',
        '2024-03-31T16:00:00.000Z',
        '2024-04-30T16:00:00.000Z',
      ]);
      expect(lengths(b).map((h) => h / 24)).toEqual([31, 29, 31, 30]);
    });

    it('should cut the day of an instant by its local date, not its UTC date', () => {
      // 2026-01-01T20:00Z is already 2 January in Shanghai (+08).
      const b = bucketBoundaries(
        d('2026-01-01T20:00:00Z'),
        d('2026-01-01T21:00:00Z'),
        'day',
        'Asia/Shanghai',
      );
      expect(b.map(iso)).toEqual(['2026-01-01T16:00:00.000Z', '2026-01-02T16:00:00.000Z']);
    });

    it(`should allow ${MAX_BUCKETS} buckets and refuse one more`, () => {
      const leapYear = bucketBoundaries(
        d('2024-01-01T00:00:00Z'),
        d('2025-01-01T00:00:00Z'),
        'day',
        'UTC',
      );
      expect(leapYear).toHaveLength(MAX_BUCKETS + 1);
      expect(() =>
        bucketBoundaries(d('2024-01-01T00:00:00Z'), d('2025-01-01T00:00:01Z'), 'day', 'UTC'),
      ).toThrow(TooManyBucketsError);
      expect(() =>
        bucketBoundaries(d('1000-01-01T00:00:00Z'), d('9999-01-01T00:00:00Z'), 'month', 'UTC'),
      ).toThrow(TooManyBucketsError);
    });
  });

  describe(bucketPlan.name, () => {
    it("should find the zone's offset changes to the second, and no change in UTC", () => {
      const year = [d('2025-01-01T00:00:00Z'), d('2026-01-01T00:00:00Z')] as const;
      expect(bucketPlan(...year, 'day', 'UTC').offsets).toEqual([
        { offsetSeconds: 0, until: null },
      ]);
      expect(bucketPlan(...year, 'month', 'Europe/Berlin').offsets).toEqual([
        { offsetSeconds: 3600, until: Date.parse('2025-03-30T01:00:00Z') },
        { offsetSeconds: 7200, until: Date.parse('2025-10-26T01:00:00Z') },
        { offsetSeconds: 3600, until: null },
      ]);
      expect(bucketPlan(...year, 'week', 'Asia/Shanghai').offsets).toEqual([
        { offsetSeconds: 8 * 3600, until: null },
      ]);
      // Chile: back from -03 to -04 on 6 April 2025, forward again on 7 September.
      expect(bucketPlan(...year, 'day', 'America/Santiago').offsets).toEqual([
        { offsetSeconds: -3 * 3600, until: Date.parse('2025-04-06T03:00:00Z') },
        { offsetSeconds: -4 * 3600, until: Date.parse('2025-09-07T04:00:00Z') },
        { offsetSeconds: -3 * 3600, until: null },
      ]);
    });

    it("should number each bucket's first local date as TO_DAYS does", () => {
      const plan = bucketPlan(
        d('2026-03-25T12:00:00Z'),
        d('2026-04-01T12:00:00Z'),
        'week',
        'Europe/Berlin',
      );
      // TO_DAYS('2026-03-23') = 740063; the next Monday is 7 days later.
      expect(plan.firstDays).toEqual([740063, 740070, 740077]);
      expect(plan.boundaries).toHaveLength(3);
    });
  });

  describe(defaultFrom.name, () => {
    it('should go back 30 days, 12 weeks or 12 months, the current bucket included', () => {
      const to = d('2026-03-30T10:00:00Z'); // a Monday
      const day = defaultFrom(to, 'day', 'Europe/Berlin');
      expect(iso(day.getTime())).toBe('2026-02-28T23:00:00.000Z');
      expect(bucketBoundaries(day, to, 'day', 'Europe/Berlin')).toHaveLength(31);
      expect(iso(defaultFrom(to, 'week', 'UTC').getTime())).toBe('2026-01-12T00:00:00.000Z');
      expect(bucketBoundaries(defaultFrom(to, 'week', 'UTC'), to, 'week', 'UTC')).toHaveLength(13);
      expect(iso(defaultFrom(to, 'month', 'UTC').getTime())).toBe('2025-04-01T00:00:00.000Z');
    });
  });
});
