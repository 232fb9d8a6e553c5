import { formatEtag, ifMatchSatisfied } from './etag';
import { pageLinkHeader } from './pagination';
import { parseRfc3339 } from '../validators/is-rfc3339.validator';

describe('ifMatchSatisfied', () => {
  const etag = formatEtag(42, 3);

  it('should match absent, *, the tag, its weak form and a list containing it', () => {
    expect(etag).toBe('"42-3"');
    for (const header of [undefined, '*', '"42-3"', 'W/"42-3"', '"1-1", "42-3"']) {
      expect(ifMatchSatisfied(header, etag)).toBe(true);
    }
  });

  it('should refuse other tags and garbage', () => {
    for (const header of ['"42-2"', '"4-23"', '', 'nonsense', '"42-3', '"42-30"']) {
      expect(ifMatchSatisfied(header, etag)).toBe(false);
    }
  });
});

describe('pageLinkHeader', () => {
  it('should give first, last, prev and next, keeping the other parameters', () => {
    expect(
      pageLinkHeader('/api/v1/tasks', 'status=pending&page=2&page_size=10', {
        page: 2,
        pageSize: 10,
        total: 35,
      }),
    ).toBe(
      '</api/v1/tasks?status=pending&page=1&page_size=10>; rel="prev", ' +
        '</api/v1/tasks?status=pending&page=3&page_size=10>; rel="next", ' +
        '</api/v1/tasks?status=pending&page=1&page_size=10>; rel="first", ' +
        '</api/v1/tasks?status=pending&page=4&page_size=10>; rel="last"',
    );
  });

  it('should leave out prev on the first page and next on the last; an empty list has one page', () => {
    expect(pageLinkHeader('/t', '', { page: 1, pageSize: 20, total: 0 })).toBe(
      '</t?page=1>; rel="first", </t?page=1>; rel="last"',
    );
    expect(pageLinkHeader('/t', 'page=9', { page: 9, pageSize: 20, total: 30 })).toBe(
      '</t?page=2>; rel="prev", </t?page=1>; rel="first", </t?page=2>; rel="last"',
    );
  });
});

describe('parseRfc3339', () => {
  it('should parse offsets and fractions', () => {
    expect(parseRfc3339('2026-02-01T00:00:00Z')?.toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(parseRfc3339('2026-02-01t08:00:00.5+08:00')?.toISOString()).toBe(
      '2026-02-01T00:00:00.500Z',
    );
  });

  it.each([
    '2026-02-30T00:00:00Z',
    '2026-02-01',
    '2026-02-01T24:00:00Z',
    '2026-02-01T00:00:60Z',
    '2026-02-01T00:00:00+24:00',
    '99999-01-01T00:00:00Z',
    '0999-12-31T00:00:00Z',
    '9999-12-31T23:00:00-05:00',
    ' 2026-02-01T00:00:00Z',
  ])('should refuse %s', (value) => {
    expect(parseRfc3339(value)).toBeUndefined();
  });
});
