import { luaScript } from "./script";

/** The per-chat update queue's scripts (lib/bot/chat-queue.ts): each safe to run twice with the same arguments. */

// KEYS: dedup, queue, work. ARGV: update_id, payload, chat, dedup seconds, now ms.
export const ENQUEUE = luaScript(`
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
redis.call('PERSIST', KEYS[2])
redis.call('ZADD', KEYS[3], 'NX', ARGV[5], ARGV[3])
return 1`);

// Acquire or extend: a retry of our own acquire (its reply was lost) finds our token and extends.
// KEYS: lock. ARGV: token, ms.
export const ACQUIRE = luaScript(`
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if v then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`);

export const RENEW = luaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`);

// Removes a handled update and its progress records; the chat made progress, so its waiting
// clock restarts. Idempotent: a second run removes nothing and still answers 1 while we hold it.
// KEYS: lock, queue, work, turn, replied. ARGV: token, payload, chat, now ms.
export const ACK = luaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('DEL', KEYS[4], KEYS[5])
if redis.call('ZCARD', KEYS[2]) > 0 then redis.call('ZADD', KEYS[3], 'XX', ARGV[4], ARGV[3]) end
return 1`);

// Releases only when the queue is empty, atomically: an update enqueued while the holder was
// busy is either seen by the holder or finds the lock free. No wake-up is ever lost.
// A second run (lost reply) finds the lock gone: -1, which the caller treats as done.
export const RELEASE = luaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[3], ARGV[2])
return 1`);

// Drops a chat from the work set only if it is still idle (an enqueue may have just raced in).
export const FORGET_IF_IDLE = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 and redis.call('ZCARD', KEYS[2]) == 0 then return redis.call('ZREM', KEYS[3], ARGV[1]) end
return 0`);

// Earlier versions kept the chats with work in a SET without times: adopt them as waiting since now.
export const ADOPT_LEGACY = luaScript(`
local chats = redis.call('SMEMBERS', KEYS[1])
for _, c in ipairs(chats) do redis.call('ZADD', KEYS[2], 'NX', ARGV[1], c) end
redis.call('DEL', KEYS[1])
return #chats`);
