import { attachmentDisposition } from './content-disposition';

/** `filename*` decoded as a client does (RFC 8187: charset'lang'pct-encoded). */
function extendedName(header: string): string {
  const match = /filename\*=UTF-8''([^;\s]+)/.exec(header);
  if (!match) throw new Error(`no filename* in ${header}`);
  return decodeURIComponent(match[1]);
}

describe(attachmentDisposition.name, () => {
  it('should send a plain ASCII name as both parameters', () => {
    expect(attachmentDisposition('report.pdf')).toBe(
      `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`,
    );
  });

  it('should carry a Chinese name exactly in filename*, with an ASCII stand-in in filename', () => {
    const header = attachmentDisposition('项目计划.xlsx');
    expect(header).toBe(
      `attachment; filename="____.xlsx"; filename*=UTF-8''%E9%A1%B9%E7%9B%AE%E8%AE%A1%E5%88%92.xlsx`,
    );
    expect(extendedName(header)).toBe('项目计划.xlsx');
  });

  it('should keep quotes, backslashes and percent signs out of the quoted fallback', () => {
    const header = attachmentDisposition('a "b" \\c 100%.txt');
    expect(header).toContain('filename="a _b_ _c 100_.txt"');
    expect(extendedName(header)).toBe('a "b" \\c 100%.txt');
  });

  it("should percent-encode every character attr-char does not allow, ' ( ) * included", () => {
    const name = "it's (final) *v2*; name=x.txt";
    const header = attachmentDisposition(name);
    const value = /filename\*=UTF-8''(.*)$/.exec(header)![1];
    expect(value).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
    expect(extendedName(header)).toBe(name);
  });

  it('should stand one _ for a character of two UTF-16 units', () => {
    expect(attachmentDisposition('😀.png')).toContain('filename="_.png"');
  });
});
