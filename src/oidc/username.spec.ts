import { baseUsername, USERNAME_PATTERN, usernameCandidate } from './username';

describe(baseUsername.name, () => {
  it.each([
    ['alice', undefined, 'alice'],
    ['  Bob_Smith-2 ', undefined, 'Bob_Smith-2'],
    ['john.doe', undefined, 'john_doe'],
    ['José Ñúñez', undefined, 'Jose_Nunez'],
    ['a-very-long-preferred-username-indeed', undefined, 'a-very-long-preferre'],
    ['ab', undefined, 'ab_user'],
    ['张伟', undefined, 'user'],
    ['...', 'dora.k@example.com', 'dora_k'],
    [undefined, 'dora.k@example.com', 'dora_k'],
    ['', 'x@example.com', 'x_user'],
    [undefined, undefined, 'user'],
  ])('should make %p (email %p) into %p', (preferred, email, expected) => {
    const name = baseUsername(preferred, email);
    expect(name).toBe(expected);
    expect(name).toMatch(USERNAME_PATTERN);
  });
});

describe(usernameCandidate.name, () => {
  it('should start with the base, then number it within 20 characters', () => {
    expect(usernameCandidate('alice', 0)).toBe('alice');
    expect(usernameCandidate('alice', 1)).toBe('alice_2');
    expect(usernameCandidate('abcdefghijklmnopqrst', 1)).toBe('abcdefghijklmnopqr_2');
    expect(usernameCandidate('abcdefghijklmnopqrst', 9, 'f3a9c1')).toBe('abcdefghijklm_f3a9c1');
    for (const attempt of [1, 5, 42]) {
      expect(usernameCandidate('abcdefghijklmnopqrst', attempt)).toMatch(USERNAME_PATTERN);
    }
  });
});
