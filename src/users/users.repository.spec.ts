import { escapeLike } from './users.repository';

describe(escapeLike.name, () => {
  it.each([
    ['abc', 'abc'],
    ['a_b', 'a\\_b'],
    ['100%', '100\\%'],
    ['back\\slash', 'back\\\\slash'],
    ['%_%', '\\%\\_\\%'],
  ])('should escape %p as %p', (input, escaped) => {
    expect(escapeLike(input)).toBe(escaped);
  });
});
