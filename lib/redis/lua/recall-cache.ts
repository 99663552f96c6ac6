import { luaScript } from "./script";

/** Recall cache sync (lib/memory/recall-cache/sync.ts). */

/** Beyond this many new entries a full reload is cheaper than HMGET (and stays under Lua's unpack limit). */
export const MAX_DELTA = 2000;

export const syncScript = luaScript(`
local len = redis.call('LLEN', KEYS[1])
if len == 0 then return {0, '', redis.call('HGETALL', KEYS[2])} end
local head = redis.call('LINDEX', KEYS[1], 0)
local have = tonumber(ARGV[2])
if head == ARGV[1] then
  if have == len then return {len} end
  if have < len and len - have <= ${MAX_DELTA} then
    local entries = redis.call('LRANGE', KEYS[1], have, -1)
    local ids = {}
    for i, e in ipairs(entries) do ids[i] = string.match(e, '^(.*) ') end
    return {len, head, ids, redis.call('HMGET', KEYS[2], unpack(ids))}
  end
end
return {len, head, redis.call('HGETALL', KEYS[2])}
`);
