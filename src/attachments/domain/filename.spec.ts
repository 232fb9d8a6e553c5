import fc from 'fast-check';
import {
  FALLBACK_FILENAME,
  MAX_FILENAME_CHARS,
  sanitizeContentType,
  sanitizeFilename,
} from './filename';

describe(sanitizeFilename.name, () => {
  it.each<[string | undefined, string]>([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['/etc/passwd', 'passwd'],
    ['..\\..\\windows\\system32\\config', 'config'],
    ['C:\\Users\\me\\报告.docx', '报告.docx'],
    ['项目计划 v2.xlsx', '项目计划 v2.xlsx'],
    ['  spaced name.txt  ', 'spaced name.txt'],
    ['.bashrc', '.bashrc'],
    ['a\u0000b\nc\r.txt', 'abc.txt'],
    ['invoice\u202egpj.exe', 'invoicegpj.exe'],
    ['zero\u200bwidth.txt', 'zerowidth.txt'],
    ['Cafe\u0301.txt', 'Caf\u00e9.txt'],
    ['emoji 😀.png', 'emoji 😀.png'],
    ['"quoted"; name=x.txt', '"quoted"; name=x.txt'],
    ['..', FALLBACK_FILENAME],
    ['.', FALLBACK_FILENAME],
    ['dir/', FALLBACK_FILENAME],
    ['', FALLBACK_FILENAME],
    [undefined, FALLBACK_FILENAME],
    ['\u0001\u0002', FALLBACK_FILENAME],
  ])('should turn %p into %p', (raw, expected) => {
    expect(sanitizeFilename(raw)).toBe(expected);
  });

  it('should shorten a long name to 255 characters, keeping its extension', () => {
    const name = sanitizeFilename(`${'长'.repeat(300)}.tar.gz`);
    expect(Array.from(name)).toHaveLength(MAX_FILENAME_CHARS);
    expect(name.endsWith('长.gz')).toBe(true);
  });

  it('should never cut a character made of two UTF-16 units in half', () => {
    const name = sanitizeFilename('😀'.repeat(300));
    expect(Array.from(name)).toHaveLength(MAX_FILENAME_CHARS);
    expect(name).toBe('😀'.repeat(MAX_FILENAME_CHARS));
  });

  it('should replace a lone surrogate, which no database column can hold', () => {
    expect(sanitizeFilename('a\ud800b.txt')).toBe('a\ufffdb.txt');
  });

  it('should always give a non-empty plain name without separators or control characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (raw) => {
        const name = sanitizeFilename(raw);
        expect(name.length).toBeGreaterThan(0);
        expect(Array.from(name).length).toBeLessThanOrEqual(MAX_FILENAME_CHARS);
        // eslint-disable-next-line no-control-regex -- no control character may remain
        expect(name).not.toMatch(/[/\\\u0000-\u001f\u007f]/);
        expect(name).not.toMatch(/^\.*$/);
        expect(sanitizeFilename(name)).toBe(name);
      }),
    );
  });
});

describe(sanitizeContentType.name, () => {
  it.each<[string | undefined, string]>([
    ['application/pdf', 'application/pdf'],
    ['Text/Plain; charset=UTF-8', 'text/plain; charset=utf-8'],
    ['image/svg+xml', 'image/svg+xml'],
    ['', 'application/octet-stream'],
    [undefined, 'application/octet-stream'],
    ['pdf', 'application/octet-stream'],
    ['text/html\r\nX-Injected: 1', 'application/octet-stream'],
    ['文本/纯文本', 'application/octet-stream'],
    [`application/${'x'.repeat(300)}`, 'application/octet-stream'],
  ])('should store %p as %p', (raw, expected) => {
    expect(sanitizeContentType(raw)).toBe(expected);
  });
});
