/**
 * `Content-Disposition: attachment` for a stored file name (RFC 6266): `filename*` carries the
 * exact name in UTF-8 (RFC 8187 encoding), and `filename` an ASCII stand-in for the few clients
 * that ignore `filename*`. Browsers save the file instead of rendering it either way.
 */
export function attachmentDisposition(filename: string): string {
  return `attachment; filename="${asciiFallback(filename)}"; filename*=UTF-8''${encodeExtValue(filename)}`;
}

/**
 * Printable ASCII only; `"` and `\` would need quoting that some clients get wrong, and `%`
 * is decoded by some, so those become `_` as well as every non-ASCII character.
 */
function asciiFallback(filename: string): string {
  return Array.from(filename, (c) => (/^[\x20-\x7e]$/.test(c) && !/["\\%]/.test(c) ? c : '_')).join(
    '',
  );
}

/** RFC 8187 `value-chars`: attr-char as is, every other byte of the UTF-8 form as `%XX`. */
function encodeExtValue(filename: string): string {
  // encodeURIComponent leaves ' ( ) * unescaped, which attr-char does not allow.
  return encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
