import { luaScript } from "./script";

/** Dashboard login throttle (lib/auth/login-throttle.ts): an attempt is counted before the password is compared. */

// KEYS: per-address, global, known-address marker. ARGV: window s, per-address max, global max.
// A refused attempt is not counted (it cannot extend its own lockout).
export const LOGIN_ATTEMPT = luaScript(
  `
local window = tonumber(ARGV[1])
local ipCount = tonumber(redis.call('GET', KEYS[1]) or '0')
if ipCount >= tonumber(ARGV[2]) then
  return {0, 'address', ipCount, redis.call('TTL', KEYS[1])}
end
local globalCount = tonumber(redis.call('GET', KEYS[2]) or '0')
if globalCount >= tonumber(ARGV[3]) and redis.call('EXISTS', KEYS[3]) == 0 then
  return {0, 'global', globalCount, redis.call('TTL', KEYS[2])}
end
ipCount = redis.call('INCR', KEYS[1])
if ipCount == 1 then redis.call('EXPIRE', KEYS[1], window) end
if redis.call('INCR', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], window) end
return {1, 'ok', ipCount, redis.call('TTL', KEYS[1])}
`,
  { replies: "strings" },
);

// A success gives its attempt back to both budgets and marks the address as known.
export const LOGIN_SUCCESS = luaScript(
  `
redis.call('DEL', KEYS[1])
local g = tonumber(redis.call('GET', KEYS[2]) or '0')
if g > 0 then redis.call('DECR', KEYS[2]) end
redis.call('SET', KEYS[3], '1', 'EX', tonumber(ARGV[1]))
return 1
`,
  { replies: "strings" },
);
