/**
 * Lua scripts of the versioned cache. An entry is stored as `<epoch>|<version>|<json>` under a
 * key of its own (`cache:<namespace>:<id>`); it counts only while its epoch equals the
 * namespace's current epoch (`cache:<namespace>:epoch`), so bumping that one key retires every
 * entry at once. Each script touches exactly the key it declares and builds none, so the cache
 * runs unchanged on Redis Cluster, where entries spread over every master.
 */

/**
 * SET if newer. ARGV: epoch, version, json, ttlMs, mode (`fill` or `write`). Writes unless the
 * entry holds the same or a newer version of the same epoch, or an entry of a later epoch. In
 * `write` mode (after a committed change) a later-epoch entry is deleted instead: the caller's
 * epoch is only the newest it has seen, and an entry it cannot replace must not outlive the
 * change. Returns 1 when written.
 */
export const CACHE_SET_IF_NEWER_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current then
  local e, v = string.match(current, '^(%d+)|(%d+)|')
  if e then
    e = tonumber(e)
    local epoch = tonumber(ARGV[1])
    if e > epoch then
      if ARGV[5] == 'write' then redis.call('DEL', KEYS[1]) end
      return 0
    end
    if e == epoch and tonumber(v) >= tonumber(ARGV[2]) then return 0 end
  end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[3], 'PX', ARGV[4])
return 1
`;

/**
 * Bumps the epoch. The key never expires: were it to vanish, numbering would restart at 0 and
 * a later bump could bring back entries of an earlier epoch with the same number.
 */
export const CACHE_BUMP_EPOCH_SCRIPT = `
local epoch = redis.call('INCR', KEYS[1])
redis.call('PERSIST', KEYS[1])
return epoch
`;
