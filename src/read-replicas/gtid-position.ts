/**
 * Replication positions as GTID sets, for both servers the service runs on:
 * - **MariaDB**: `@@gtid_binlog_pos` on the primary, `@@gtid_slave_pos` on a replica; a comma
 *   list of `domain-server-sequence`, one per replication domain. Sequence numbers grow within
 *   a domain, so a position's entry reads as "every transaction 1..sequence of this domain".
 * - **MySQL**: `@@GLOBAL.gtid_executed` on both; a comma list of `uuid:interval[:interval…]`,
 *   where an interval is `n` or `n-m` and (MySQL 8.3+) a `tag` token switches the tag of the
 *   intervals after it: `uuid:1-5:tag:1-3`.
 * Both become one shape, a set of transaction intervals per source (domain, or uuid and tag),
 * so "the replica holds everything the primary had" is one subset test.
 */
export type GtidPosition = ReadonlyMap<string, readonly Interval[]>;

/** Transactions `from`..`to`, both included. */
type Interval = readonly [from: bigint, to: bigint];

/** The server flavour, which decides how positions are read and parsed. */
export type GtidFlavor = 'mariadb' | 'mysql';

/** The statements that read a position on each side, per flavour (each answers a `pos`). */
export const POSITION_SQL: Record<GtidFlavor, { primary: string; replica: string }> = {
  mariadb: {
    primary: 'SELECT @@gtid_binlog_pos AS pos',
    replica: 'SELECT @@gtid_slave_pos AS pos',
  },
  // gtid_executed is the set of transactions the server holds: on a replica, what it applied.
  mysql: {
    primary: 'SELECT @@GLOBAL.gtid_executed AS pos',
    replica: 'SELECT @@GLOBAL.gtid_executed AS pos',
  },
};

/** The flavour of a server from its `SELECT VERSION()`, e.g. `10.11.6-MariaDB-log` or `8.4.3`. */
export function gtidFlavorOf(version: string): GtidFlavor {
  return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
}

/** Parses a position of `flavor`; null when the text is not one (empty text: empty set). */
export function parseGtidPosition(
  text: string,
  flavor: GtidFlavor = 'mariadb',
): GtidPosition | null {
  return flavor === 'mariadb' ? parseMariaDb(text) : parseMySql(text);
}

function parseMariaDb(text: string): GtidPosition | null {
  const position = new Map<string, Interval[]>();
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const match = /^(\d+)-(\d+)-(\d+)$/.exec(item);
    if (!match) return null;
    const sequence = BigInt(match[3]);
    position.set(match[1], sequence === 0n ? [] : [[1n, sequence]]);
  }
  return position;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TAG = /^[a-z_][a-z0-9_]{0,31}$/i;
const INTERVAL = /^(\d+)(?:-(\d+))?$/;

function parseMySql(text: string): GtidPosition | null {
  const position = new Map<string, Interval[]>();
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const [uuid, ...tokens] = item.split(':').map((token) => token.trim());
    if (!UUID.test(uuid) || tokens.length === 0) return null;
    let source = uuid.toLowerCase();
    for (const token of tokens) {
      const interval = INTERVAL.exec(token);
      if (interval) {
        const from = BigInt(interval[1]);
        const to = interval[2] === undefined ? from : BigInt(interval[2]);
        if (to < from) return null;
        position.set(source, [...(position.get(source) ?? []), [from, to]]);
      } else if (TAG.test(token)) {
        source = `${uuid.toLowerCase()}:${token.toLowerCase()}`;
      } else {
        return null;
      }
    }
  }
  for (const [source, intervals] of position) position.set(source, merged(intervals));
  return position;
}

/** Sorted, with touching or overlapping intervals joined. */
function merged(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Array<[bigint, bigint]> = [];
  for (const [from, to] of sorted) {
    const last = out[out.length - 1];
    if (last && from <= last[1] + 1n) {
      if (to > last[1]) last[1] = to;
    } else {
      out.push([from, to]);
    }
  }
  return out;
}

/** True when `replica` holds every transaction of `primary`. */
export function hasReached(replica: GtidPosition, primary: GtidPosition): boolean {
  for (const [source, needed] of primary) {
    const held = replica.get(source) ?? [];
    // Both lists are merged and sorted: each needed interval must sit inside one held interval.
    for (const [from, to] of needed) {
      if (!held.some(([heldFrom, heldTo]) => heldFrom <= from && to <= heldTo)) return false;
    }
  }
  return true;
}

/** A primary position and when it was read. */
export interface PrimarySample {
  at: number;
  position: GtidPosition;
}

/**
 * The newest time up to which `replica` is known to hold all of the primary's commits: the
 * time of the newest sample of the primary it has reached (samples oldest first). Everything
 * committed before that sample was read is on the replica. Null when it reached none.
 */
export function caughtUpTo(
  replica: GtidPosition,
  samples: readonly PrimarySample[],
): number | null {
  for (let i = samples.length - 1; i >= 0; i -= 1) {
    if (hasReached(replica, samples[i].position)) return samples[i].at;
  }
  return null;
}
