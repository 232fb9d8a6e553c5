import fc from 'fast-check';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from './json-depth';

/** The reference: the nesting depth of a parsed value, computed the obvious (recursive) way. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object') {
    return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  }
  return 0;
}

/** Strings that try to confuse a scanner: brackets, quotes and backslashes inside them. */
const trickyString = fc.string({
  unit: fc.constantFrom('{', '}', '[', ']', '"', '\\', 'a', ' ', ':', ',', '\n', 'é', '🙂'),
  maxLength: 12,
});

const leaf: fc.Arbitrary<fc.JsonValue> = fc.oneof(
  trickyString,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);

/** A JSON value nested exactly `depth` levels deep, with arbitrary siblings along the way. */
function nestedExactly(depth: number): fc.Arbitrary<fc.JsonValue> {
  if (depth === 0) return leaf;
  const inner = nestedExactly(depth - 1);
  const shallowSiblings = fc.array(leaf, { maxLength: 2 });
  return fc.oneof(
    fc.tuple(inner, shallowSiblings, fc.nat()).map(([value, siblings, at]) => {
      const items = [...siblings];
      items.splice(at % (items.length + 1), 0, value);
      return items;
    }),
    fc
      .tuple(trickyString, inner, fc.dictionary(trickyString, leaf, { maxKeys: 2 }))
      .map(([key, value, siblings]) => ({ ...siblings, [key]: value })),
  );
}

describe(jsonNestsDeeperThan.name, () => {
  it('should accept the limit and refuse one level more, for objects, arrays and tricky strings', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: MAX_JSON_DEPTH - 2, max: MAX_JSON_DEPTH + 2 })
          .chain((depth) => nestedExactly(depth).map((value) => ({ depth, value }))),
        ({ depth, value }) => {
          const text = JSON.stringify(value);
          expect(depthOf(JSON.parse(text))).toBe(depth);
          expect(jsonNestsDeeperThan(text, MAX_JSON_DEPTH)).toBe(depth > MAX_JSON_DEPTH);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('should agree with the parsed depth for any JSON value and any limit', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 9 }), (value, limit) => {
        const text = JSON.stringify(value, null, 1);
        expect(jsonNestsDeeperThan(text, limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['brackets inside a string', `{"a":"${'['.repeat(100)}"}`, false],
    ['an escaped quote before brackets', `["\\"${'{'.repeat(40)}"]`, false],
    ['an escaped backslash ending a string', `["\\\\",${'['.repeat(33)}${']'.repeat(33)}]`, true],
    ['33 arrays', `${'['.repeat(33)}${']'.repeat(33)}`, true],
    ['32 arrays', `${'['.repeat(32)}${']'.repeat(32)}`, false],
    ['5,000 unclosed levels', `{"title":"x","description":${'['.repeat(5000)}`, true],
  ])('should judge %s', (_name, text, tooDeep) => {
    expect(jsonNestsDeeperThan(text, MAX_JSON_DEPTH)).toBe(tooDeep);
  });
});
