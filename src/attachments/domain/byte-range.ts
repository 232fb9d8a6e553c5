/** An inclusive byte range of a stored file. */
export interface ByteRange {
  start: number;
  end: number;
}

/** What a `Range` header asks of a file of `size` bytes. */
export type RangeRequest =
  { kind: 'whole' } | { kind: 'partial'; range: ByteRange } | { kind: 'unsatisfiable' };

const WHOLE: RangeRequest = { kind: 'whole' };

/**
 * Reads a `Range` header (RFC 9110 §14.2) for a file of `size` bytes. One range of bytes is
 * served as such; a header that is absent, of another unit, malformed, or asks for several
 * ranges is ignored (the whole file is sent, as the RFC allows); a range that starts past the
 * end, or an empty suffix, cannot be satisfied (416).
 */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return WHOLE;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return WHOLE;
  const [, first, last] = match;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(first);
  const end = last === '' ? Infinity : Number(last);
  // last < first is invalid syntax (ignored); a valid range starting past the end is not.
  if (end < start) return WHOLE;
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', range: { start, end: Math.min(end, size - 1) } };
}
