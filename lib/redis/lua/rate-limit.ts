import { luaScript } from "./script";

/** The per-user message rate limit (lib/bot/rate-limit.ts). */

// INCR and start the window on the first hit; also repair a counter that lost its TTL.
export const HIT = luaScript(`
local c = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if c == 1 or ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {c, ttl}`);
