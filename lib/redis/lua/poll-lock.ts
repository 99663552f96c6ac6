import { luaScript } from "./script";

/** The long-poll lock (lib/bot/poll-lock.ts): only its holder renews, releases or hands it over. KEYS: lock. */

// ARGV: holder, ttl ms.
export const POLL_LOCK_RENEW = luaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`,
  { replies: "strings" },
);
// ARGV: holder.
export const POLL_LOCK_RELEASE = luaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`,
  { replies: "strings" },
);
// ARGV: dead holder, new holder, ttl ms.
export const POLL_LOCK_TAKEOVER = luaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) else return false end`,
  { replies: "strings" },
);
