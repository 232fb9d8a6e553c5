/** The longest stored file name, in characters (the column is VARCHAR(255)). */
export const MAX_FILENAME_CHARS = 255;

/** The name of a file whose own name leaves nothing usable. */
export const FALLBACK_FILENAME = 'file';

/** The longest extension kept when a long name is shortened. */
const MAX_KEPT_EXTENSION_CHARS = 16;

// Control characters (C0, DEL, C1) and invisible formatting characters: zero-width ones, bidi
// embeddings, overrides and isolates (U+202E turns "gpj.exe" around on screen), the BOM.
const UNSAFE_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The plain file name to store and send back for a client-given one: the last segment after
 * any `/` or `\` (a browser on Windows may send `C:\Users\me\report.pdf`; `../../etc/passwd`
 * becomes `passwd`), in NFC, without control or invisible formatting characters, trimmed, at
 * most 255 characters (the extension kept). Every other character stays, so Chinese and other
 * names come back exactly as given. The name is only ever data: storage keys are random.
 */
export function sanitizeFilename(raw: string | undefined): string {
  let name = (raw ?? '').replace(LONE_SURROGATE, '\ufffd').normalize('NFC');
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  name = name.replace(UNSAFE_CHARACTERS, '').trim();
  // "", "." and ".." name directories, not files.
  if (/^\.*$/.test(name)) return FALLBACK_FILENAME;
  return shorten(name);
}

function shorten(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= MAX_FILENAME_CHARS) return name;
  const dot = chars.lastIndexOf('.');
  const extension =
    dot > 0 && chars.length - dot <= MAX_KEPT_EXTENSION_CHARS + 1 ? chars.slice(dot) : [];
  const stem = chars.slice(0, MAX_FILENAME_CHARS - extension.length);
  return [...stem, ...extension].join('').trim();
}

/** A stored content type: the client's when it is a plain `type/subtype[; params]`, else bytes. */
export function sanitizeContentType(raw: string | undefined): string {
  const value = (raw ?? '').trim();
  const token = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
  const valid = new RegExp(`^${token}/${token}(\\s*;\\s*${token}=("[\\x20-\\x7e]*"|${token}))*$`);
  return value.length <= 255 && valid.test(value)
    ? value.toLowerCase()
    : 'application/octet-stream';
}
