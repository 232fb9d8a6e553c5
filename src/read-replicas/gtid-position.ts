/**
 * MariaDB GTID positions (`@@gtid_binlog_pos` on the primary, `@@gtid_slave_pos` on a replica):
 * a comma list of `domain-server-sequence`, one per replication domain. Sequence numbers grow
 * within a domain, so a replica has applied everything up to a primary position when its
 * sequence is at least the primary's in every domain of that position.
 */
export type GtidPosition = ReadonlyMap<number, bigint>;

/** Parses a position; null when the text is not one (an empty text is the empty position). */
export function parseGtidPosition(text: string): GtidPosition | null {
  const position = new Map<number, bigint>();
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const match = /^(\d+)-(\d+)-(\d+)$/.exec(item);
    if (!match) return null;
    position.set(Number(match[1]), BigInt(match[3]));
  }
  return position;
}

/** True when `replica` holds every transaction of `primary`. */
export function hasReached(replica: GtidPosition, primary: GtidPosition): boolean {
  for (const [domain, sequence] of primary) {
    if ((replica.get(domain) ?? -1n) < sequence) return false;
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
export function caughtUpTo(replica: GtidPosition, samples: readonly PrimarySample[]): number | null {
  for (let i = samples.length - 1; i >= 0; i -= 1) {
    if (hasReached(replica, samples[i].position)) return samples[i].at;
  }
  return null;
}
