import { MAX_MENTIONS, mentionedUsernames, resolveMentions } from './mentions';

describe('mentionedUsernames', () => {
  it('should find @usernames, lower-cased, without repeats, in order', () => {
    expect(mentionedUsernames('@Alice and @bob_1, then @ALICE again; cc @carol-x.')).toEqual([
      'alice',
      'bob_1',
      'carol-x',
    ]);
  });

  it('should find mentions after punctuation, brackets, Chinese text and line breaks', () => {
    expect(mentionedUsernames('(@ann) 请@bobby看看\n@cat: "@dan"')).toEqual([
      'ann',
      'bobby',
      'cat',
      'dan',
    ]);
  });

  it('should ignore email addresses, paths, doubled @ and names of the wrong length', () => {
    expect(
      mentionedUsernames(
        'mail bob@example.com, see https://x.org/@carl, @@dave, @ab, @abcdefghijklmnopqrstu',
      ),
    ).toEqual([]);
  });

  it('should take a name of exactly 3 and 20 characters', () => {
    expect(mentionedUsernames('@abc @abcdefghijklmnopqrst')).toEqual([
      'abc',
      'abcdefghijklmnopqrst',
    ]);
  });

  it(`should stop after ${MAX_MENTIONS} distinct names`, () => {
    const body = Array.from({ length: MAX_MENTIONS + 5 }, (_, i) => `@user${i}`).join(' ');
    const names = mentionedUsernames(body);
    expect(names).toHaveLength(MAX_MENTIONS);
    expect(names[MAX_MENTIONS - 1]).toBe(`user${MAX_MENTIONS - 1}`);
  });
});

describe('resolveMentions', () => {
  const users = [
    { id: 1, username: 'Alice' },
    { id: 2, username: 'bob' },
    { id: 3, username: 'carol' },
  ];

  it('should keep the users who may see the task, in the order of the names', () => {
    expect(resolveMentions(['carol', 'alice', 'bob', 'nobody'], users, (id) => id !== 2)).toEqual([
      3, 1,
    ]);
  });

  it('should answer nothing for no names', () => {
    expect(resolveMentions([], users, () => true)).toEqual([]);
  });
});
