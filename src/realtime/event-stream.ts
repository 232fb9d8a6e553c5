import { Inject, Injectable } from '@nestjs/common';
import type { RedisClient } from '../redis/redis-client';
import { REDIS_CLIENT } from '../redis/redis.constants';
import type { StreamEntry } from './stream-entry';
import { compareStreamIds } from './stream-id';

/**
 * How long the stream keeps events. The contract promises a resume over the last 10 minutes;
 * trimming is approximate (`MINID ~` drops whole nodes), and the margin keeps the promise.
 */
export const STREAM_RETENTION_MS = 11 * 60_000;
/** How long an item's de-duplication mark lives: well past any redelivery of its dispatch. */
const DEDUP_TTL_MS = 15 * 60_000;

/**
 * Every key of the stream shares the hash tag `{realtime}`, so the append script, which touches
 * the stream and the de-duplication marks together, runs in one slot on a Redis Cluster (issue
 * 17). The ioredis key prefix (REDIS_KEY_PREFIX) is put in front; it must hold no braces.
 */
export const STREAM_KEY = '{realtime}:events';
const dedupKey = (dedupId: string): string => `{realtime}:seen:${dedupId}`;

/**
 * Appends each item whose de-duplication key is new, in order, and trims entries older than
 * the retention. KEYS: the stream, one mark per item, then (when ARGV[3] is '1') the mark of an
 * earlier item that must be in the stream first; ARGV: the MINID, the marks' TTL, that flag,
 * then one payload per item. Answers the ids of the entries added, or 'wait' (nothing added)
 * while the required item is missing. Atomic, so a retried append (a redelivered dispatch, a
 * retry after a timeout whose write had landed) adds nothing twice.
 */
const APPEND_SCRIPT = `
local items = #ARGV - 3
if ARGV[3] == '1' and redis.call('EXISTS', KEYS[items + 2]) == 0 then
  return 'wait'
end
local ids = {}
for i = 1, items do
  if redis.call('SET', KEYS[i + 1], '1', 'NX', 'PX', ARGV[2]) then
    ids[#ids + 1] = redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[1], '*', 'e', ARGV[i + 3])
  end
end
return ids
`;

type StreamReply = Array<[id: string, fields: string[]]>;

type ScriptedRedis = RedisClient & {
  realtimeAppend(numKeys: number, ...args: string[]): Promise<string[] | 'wait'>;
};

/** One entry as read back. */
export interface StreamRecord {
  id: string;
  entry: StreamEntry;
}

/** Whether events after an id can still be read from the stream. */
export type ResumeCheck = 'ok' | 'gone';

/** Append one item: `dedupId` is unique per announcement (the outbox event id, a notification id). */
export interface StreamItem {
  dedupId: string;
  entry: StreamEntry;
}

/**
 * The real-time events of every instance, in one Redis stream: written after the commits that
 * produce them (see RealtimePublisher), read by every API instance (RealtimeHub) and, for a
 * resume, from any id of the last 10 minutes. Entry ids are the event ids sent to clients.
 */
@Injectable()
export class EventStream {
  private readonly redis: ScriptedRedis;

  constructor(@Inject(REDIS_CLIENT) redis: RedisClient) {
    redis.defineCommand('realtimeAppend', { lua: APPEND_SCRIPT });
    this.redis = redis as ScriptedRedis;
  }

  /**
   * Appends the items (those not appended before); with `after`, only once the item of that
   * de-duplication id is in the stream (else 'wait', nothing appended).
   */
  async append(
    items: readonly StreamItem[],
    after?: string,
    now = Date.now(),
  ): Promise<string[] | 'wait'> {
    if (items.length === 0) return [];
    const minId = `${Math.max(0, now - STREAM_RETENTION_MS)}-0`;
    const keys = [STREAM_KEY, ...items.map((item) => dedupKey(item.dedupId))];
    if (after !== undefined) keys.push(dedupKey(after));
    return this.redis.realtimeAppend(
      keys.length,
      ...keys,
      minId,
      String(DEDUP_TTL_MS),
      after === undefined ? '0' : '1',
      ...items.map((item) => JSON.stringify(item.entry)),
    );
  }

  /** The id of the newest entry (`0-0` when the stream is empty or missing). */
  async tailId(redis: RedisClient = this.redis): Promise<string> {
    const last = (await redis.xrevrange(STREAM_KEY, '+', '-', 'COUNT', 1)) as StreamReply;
    return last[0]?.[0] ?? '0-0';
  }

  /** Up to `count` entries after `afterId` (exclusive), oldest first. */
  async range(afterId: string, count: number): Promise<StreamRecord[]> {
    const reply = (await this.redis.xrange(
      STREAM_KEY,
      `(${afterId}`,
      '+',
      'COUNT',
      count,
    )) as StreamReply;
    return parseRecords(reply);
  }

  /**
   * Waits up to `blockMs` for entries after `afterId`, on a connection of its own (`blocking`):
   * the live feed of one instance.
   */
  async readAfter(
    blocking: RedisClient,
    afterId: string,
    blockMs: number,
    count: number,
  ): Promise<StreamRecord[]> {
    const reply = await blocking.xread(
      'COUNT',
      count,
      'BLOCK',
      blockMs,
      'STREAMS',
      STREAM_KEY,
      afterId,
    );
    return parseRecords(reply?.[0]?.[1] ?? []);
  }

  /**
   * Whether every entry after `id` is still in the stream: `id` must be one the stream holds, or
   * the newest one trimmed away (then everything after it is kept). An unknown id (made up, or
   * from before a Redis restart that lost the stream) or one trimmed with successors is `gone`.
   */
  async canResumeAfter(id: string): Promise<ResumeCheck> {
    if (id === '0-0') {
      // An instance that started on an empty stream: fine unless entries were trimmed since.
      const maxDeleted = await this.maxDeletedId();
      return maxDeleted === null || maxDeleted === '0-0' ? 'ok' : 'gone';
    }
    const held = (await this.redis.xrange(STREAM_KEY, id, id, 'COUNT', 1)) as StreamReply;
    if (held.length > 0) return 'ok';
    const maxDeleted = await this.maxDeletedId();
    return maxDeleted !== null && compareStreamIds(maxDeleted, id) === 0 ? 'ok' : 'gone';
  }

  /** XINFO STREAM's `max-deleted-entry-id` (Redis 7): the newest id trimmed away. */
  private async maxDeletedId(): Promise<string | null> {
    try {
      const info = (await this.redis.xinfo('STREAM', STREAM_KEY)) as unknown[];
      const at = info.indexOf('max-deleted-entry-id');
      return at >= 0 ? String(info[at + 1]) : null;
    } catch (error) {
      if (error instanceof Error && /no such key/i.test(error.message)) return null;
      throw error;
    }
  }
}

function parseRecords(reply: StreamReply): StreamRecord[] {
  const records: StreamRecord[] = [];
  for (const [id, fields] of reply) {
    const at = fields.indexOf('e');
    if (at < 0) continue;
    try {
      records.push({ id, entry: JSON.parse(fields[at + 1]) as StreamEntry });
    } catch {
      // Not ours or damaged: skipped, rather than stopping every instance's feed on it.
    }
  }
  return records;
}
