import { parseRange } from './byte-range';

describe(parseRange.name, () => {
  const partial = (start: number, end: number) => ({ kind: 'partial', range: { start, end } });

  it.each<[string | undefined, number, unknown]>([
    [undefined, 100, { kind: 'whole' }],
    ['bytes=0-9', 100, partial(0, 9)],
    ['bytes=10-', 100, partial(10, 99)],
    ['bytes=90-200', 100, partial(90, 99)],
    ['bytes=-10', 100, partial(90, 99)],
    ['bytes=-500', 100, partial(0, 99)],
    ['bytes=99-99', 100, partial(99, 99)],
    [' bytes=1-2 ', 100, partial(1, 2)],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=99999999-', 100, { kind: 'unsatisfiable' }],
    ['bytes=99999999999999999999999-', 100, { kind: 'unsatisfiable' }],
    ['bytes=-0', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=-5', 0, { kind: 'unsatisfiable' }],
    ['bytes=200-300', 100, { kind: 'unsatisfiable' }],
    ['bytes=5-1', 100, { kind: 'whole' }],
    ['bytes=-', 100, { kind: 'whole' }],
    ['bytes=0-1,5-6', 100, { kind: 'whole' }],
    ['items=0-1', 100, { kind: 'whole' }],
    ['bytes=a-b', 100, { kind: 'whole' }],
    ['bytes=1.5-2', 100, { kind: 'whole' }],
  ])('should read %p of a %p-byte file', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
