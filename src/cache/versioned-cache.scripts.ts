/**
 * Lua scripts of the versioned cache. Values are stored as `<version>|<json>`; the epoch key's
 * value is part of every entry's key, so bumping it invalidates every entry at once.
 *
 * KEYS[1] is the epoch key (ioredis prefixes KEYS); entry keys are built here from ARGV[1],
 * which the caller passes already prefixed. That is fine on a single Redis (or Sentinel), not on
 * Redis Cluster, where a script may only touch the keys it declares.
 */

/** GET: returns {epoch, value-or-false} in one round trip. */
export const CACHE_GET_SCRIPT = `
local epoch = redis.call('GET', KEYS[1]) or '0'
return {epoch, redis.call('GET', ARGV[1] .. epoch .. ':' .. ARGV[2])}
`;

/**
 * SET if newer: writes `<version>|<json>` unless the entry already holds the same or a newer
 * version, or the epoch moved since the caller read it (ARGV[6], empty to skip the check).
 * ARGV: entryPrefix, id, json, version, ttlMs, expectedEpoch. Returns 1 when written.
 */
export const CACHE_SET_IF_NEWER_SCRIPT = `
local epoch = redis.call('GET', KEYS[1]) or '0'
if ARGV[6] ~= '' and epoch ~= ARGV[6] then return 0 end
local key = ARGV[1] .. epoch .. ':' .. ARGV[2]
local current = redis.call('GET', key)
if current then
  local v = tonumber(string.match(current, '^(%d+)|'))
  if v and v >= tonumber(ARGV[4]) then return 0 end
end
redis.call('SET', key, ARGV[4] .. '|' .. ARGV[3], 'PX', ARGV[5])
return 1
`;

/**
 * Bumps the epoch and (re)sets its TTL (ARGV[1]), so even this key cannot outlive the cache.
 * Expiry is safe as long as the TTL exceeds every entry's: when the key disappears and the
 * epoch restarts from 0, every entry of any earlier use of those numbers has expired already.
 */
export const CACHE_BUMP_EPOCH_SCRIPT = `
local epoch = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return epoch
`;
