import { plainToInstance } from 'class-transformer';
import { IsString, validate } from 'class-validator';
import {
  IsAcceptablePassword,
  IsEmailAddress,
  isAcceptablePassword,
  IsWellFormedText,
  isWellFormedText,
} from './text.validator';

class Body {
  @IsString()
  @IsWellFormedText()
  text!: unknown;

  @IsString()
  @IsAcceptablePassword()
  password!: unknown;

  @IsString()
  @IsEmailAddress()
  email!: unknown;
}

const VALID = { text: 'ok', password: 'password123', email: 'alice@example.com' };

/** The fields class-validator refuses, each with the constraints that failed. */
async function problems(fields: Partial<Record<keyof Body, unknown>>): Promise<string[]> {
  const errors = await validate(plainToInstance(Body, { ...VALID, ...fields }));
  return errors.flatMap((e) => Object.keys(e.constraints ?? {}).map((c) => `${e.property}:${c}`));
}

describe('text validators', () => {
  const loneSurrogates = ['\uD800', 'a\uDBFFb', '\uDC00', 'x\uDFFF', '\uDE00\uD83D'];
  const wellFormed = [
    '',
    'plain',
    '完成项目文档',
    '😀 emoji pair',
    'U+FFFD \uFFFD itself',
    'nbsp\u00a0',
  ];
  const controls = [
    '\u0000',
    '\u0000'.repeat(8),
    'pass\u0000word',
    'tab\there',
    'line\n',
    '\u001f',
    'del\u007f',
    'c1\u0080',
    'nel\u0085',
    '\u009f',
  ];

  it.each(loneSurrogates)('should find a lone surrogate in %j', (value) => {
    expect(isWellFormedText(value)).toBe(false);
    expect(isAcceptablePassword(value)).toBe(false);
  });

  it.each(wellFormed)('should accept well-formed text %j', (value) => {
    expect(isWellFormedText(value)).toBe(true);
    expect(isAcceptablePassword(value)).toBe(true);
  });

  it.each(controls)('should refuse the control characters of %j in a password only', (value) => {
    expect(isAcceptablePassword(value)).toBe(false);
    expect(isWellFormedText(value)).toBe(true);
  });

  it('should name each refused field', async () => {
    await expect(problems({})).resolves.toEqual([]);
    await expect(problems({ text: 'title \uD800' })).resolves.toEqual(['text:isWellFormedText']);
    await expect(problems({ password: '\u0000'.repeat(8) })).resolves.toEqual([
      'password:isAcceptablePassword',
    ]);
    await expect(problems({ password: 'password\uDC00' })).resolves.toEqual([
      'password:isAcceptablePassword',
    ]);
  });

  it('should refuse an email with a lone surrogate instead of throwing', async () => {
    await expect(problems({ email: 'a\uD800b@example.com' })).resolves.toEqual([
      'email:isEmailAddress',
    ]);
    await expect(problems({ email: 'not-an-email' })).resolves.toEqual(['email:isEmailAddress']);
  });

  it('should leave non-strings to @IsString (one message per field)', async () => {
    await expect(problems({ text: 5, password: null, email: [] })).resolves.toEqual([
      'text:isString',
      'password:isString',
      'email:isString',
    ]);
  });
});
