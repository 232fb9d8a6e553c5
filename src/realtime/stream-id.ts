/** A Redis stream entry id, `<ms>-<seq>`: the real-time event ids, which increase. */
const STREAM_ID = /^(\d{1,16})-(\d{1,16})$/;

export function isStreamId(value: unknown): value is string {
  return typeof value === 'string' && STREAM_ID.test(value);
}

/** Negative, zero or positive as `a` is before, equal to or after `b` (both valid ids). */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am - bm || as - bs;
}

/** The time part of an id, in epoch milliseconds. */
export function streamIdTime(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}
