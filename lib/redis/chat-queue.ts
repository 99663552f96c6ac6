import type { Redis } from "ioredis";
import { luaScript } from "../memory/engines/lua";
import { memoryKeys } from "../memory/keys";

/**
 * Durable per-chat update queue with a lock, so a webhook can acknowledge at once and the work
 * runs after the response while one chat's messages are handled strictly in order and never
 * two at a time (also across serverless instances).
 *
 *   <prefix>q:<chat>               ZSET update JSON, scored by update_id (Telegram's order); no TTL:
 *                                  a queued update is drained or reported, never expired silently
 *   <prefix>q:lock:<chat>          STRING holder token, PX expiry: a holder that dies frees the chat
 *   <prefix>q:work                 ZSET chats with queued updates, scored by the ms since which the
 *                                  chat has waited without progress (enqueue into an empty queue, or
 *                                  the last ack). The sweep and the health check read only this.
 *   <prefix>q:turn:<chat>:<update> HASH progress of one update's turn (lib/bot/turn-progress.ts);
 *                                  deleted by the ack, when the update can never run again
 *   <prefix>replied:<chat>:<update> STRING the reply was sent (same life as q:turn)
 *
 * The Telegram dedup key is the memory layer's `upd:<update_id>` (the one
 * memory.markUpdateProcessed sets), written in the same script as the enqueue so an update
 * is never marked seen without being queued.
 *
 * Every script goes by EVALSHA (loading itself on NOSCRIPT). Every script is safe to run twice
 * with the same arguments — ioredis resends an unanswered command after a reconnect, and our
 * own retries do the same — which is why a drain keeps ONE lock token for its whole life.
 */

const DEDUP_SECONDS = 86400;

// KEYS: dedup, queue, work. ARGV: update_id, payload, chat, dedup seconds, now ms.
const ENQUEUE = luaScript(`
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
redis.call('PERSIST', KEYS[2])
redis.call('ZADD', KEYS[3], 'NX', ARGV[5], ARGV[3])
return 1`);

// Acquire or extend: a retry of our own acquire (its reply was lost) finds our token and extends.
// KEYS: lock. ARGV: token, ms.
const ACQUIRE = luaScript(`
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if v then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`);

const RENEW = luaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`);

// Removes a handled update and its progress records; the chat made progress, so its waiting
// clock restarts. Idempotent: a second run removes nothing and still answers 1 while we hold it.
// KEYS: lock, queue, work, turn, replied. ARGV: token, payload, chat, now ms.
const ACK = luaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('DEL', KEYS[4], KEYS[5])
if redis.call('ZCARD', KEYS[2]) > 0 then redis.call('ZADD', KEYS[3], 'XX', ARGV[4], ARGV[3]) end
return 1`);

// Releases only when the queue is empty, atomically: an update enqueued while the holder was
// busy is either seen by the holder or finds the lock free. No wake-up is ever lost.
// A second run (lost reply) finds the lock gone: -1, which the caller treats as done.
const RELEASE = luaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[3], ARGV[2])
return 1`);

// Drops a chat from the work set only if it is still idle (an enqueue may have just raced in).
const FORGET_IF_IDLE = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 and redis.call('ZCARD', KEYS[2]) == 0 then return redis.call('ZREM', KEYS[3], ARGV[1]) end
return 0`);

// Earlier versions kept the chats with work in a SET without times: adopt them as waiting since now.
const ADOPT_LEGACY = luaScript(`
local chats = redis.call('SMEMBERS', KEYS[1])
for _, c in ipairs(chats) do redis.call('ZADD', KEYS[2], 'NX', ARGV[1], c) end
redis.call('DEL', KEYS[1])
return #chats`);

export type ReleaseResult = "released" | "busy" | "lost";

export interface QueueBacklog {
  /** Chats with queued updates. */
  chats: number;
  /** The longest a chat with queued updates has waited without progress, ms (0 when none). */
  oldestWaitMs: number;
  /** Chats waiting longer than `staleMs`. */
  stale: number;
}

export interface ChatQueue {
  readonly lockMs: number;
  /** False when the update id was seen before (Telegram retry): acknowledge, do not queue again. */
  enqueue(chat: string, updateId: number, payload: string): Promise<boolean>;
  /** Takes the chat for `token`, or extends it when `token` already holds it; false when another holder has it. */
  tryLock(chat: string, token: string): Promise<boolean>;
  /** False when the lock is no longer ours (expired, taken over): stop before doing anything visible. */
  renew(chat: string, token: string): Promise<boolean>;
  /** The oldest queued update (lowest update_id). */
  peek(chat: string): Promise<string | undefined>;
  /** Removes a handled update; false if the lock was lost meanwhile (then someone else has the chat). */
  ack(chat: string, token: string, payload: string, updateId: number): Promise<boolean>;
  release(chat: string, token: string): Promise<ReleaseResult>;
  /**
   * Chats with queued updates and no live holder (their worker died), oldest waiting first, at
   * most `limit`, looking at no more than `scan` chats of the work set (default: all of it).
   */
  orphans(limit: number, scan?: number): Promise<string[]>;
  /** How much is queued and how long the oldest chat has waited (health, stuck-queue alert). */
  backlog(staleMs: number): Promise<QueueBacklog>;
  size(chat: string): Promise<number>;
  /** Moves chats from the SET `q:pending` of earlier versions into `q:work` (start-up; idempotent). */
  adoptLegacy(): Promise<number>;
}

/** Key of one update's turn progress and its reply marker (removed by the ack). */
export function turnKeys(prefix: string, chat: string, updateId: number): { turn: string; replied: string } {
  return { turn: `${prefix}q:turn:${chat}:${updateId}`, replied: `${prefix}replied:${chat}:${updateId}` };
}

const str = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString("utf8") : String(v));

/** How many chats the sweep looks at per round trip. */
const SWEEP_BATCH = 100;

export function createChatQueue(redis: Redis, prefix: string, opts: { lockMs: number }): ChatQueue {
  const q = (chat: string) => `${prefix}q:${chat}`;
  const lock = (chat: string) => `${prefix}q:lock:${chat}`;
  const work = `${prefix}q:work`;
  const dedup = memoryKeys(prefix).update;

  return {
    lockMs: opts.lockMs,
    async enqueue(chat, updateId, payload) {
      return Number(await ENQUEUE(redis, [dedup(updateId), q(chat), work], [updateId, payload, chat, DEDUP_SECONDS, Date.now()])) === 1;
    },
    async tryLock(chat, token) {
      return Number(await ACQUIRE(redis, [lock(chat)], [token, opts.lockMs])) === 1;
    },
    async renew(chat, token) {
      return Number(await RENEW(redis, [lock(chat)], [token, opts.lockMs])) === 1;
    },
    async peek(chat) {
      const [first] = await redis.zrange(q(chat), "0", "0");
      return first;
    },
    async ack(chat, token, payload, updateId) {
      const t = turnKeys(prefix, chat, updateId);
      return Number(await ACK(redis, [lock(chat), q(chat), work, t.turn, t.replied], [token, payload, chat, Date.now()])) === 1;
    },
    async release(chat, token) {
      const res = Number(await RELEASE(redis, [lock(chat), q(chat), work], [token, chat]));
      return res === 1 ? "released" : res === 0 ? "busy" : "lost";
    },
    async orphans(limit, scan = Infinity) {
      const out: string[] = [];
      // Oldest waiting first; only chats with work are read, never a SCAN of the keyspace.
      for (let start = 0, looked = 0; out.length < limit && looked < scan; start += SWEEP_BATCH) {
        const batch = Math.min(SWEEP_BATCH, scan - looked);
        const chats = (await redis.zrange(work, String(start), String(start + batch - 1))).map(str);
        looked += chats.length;
        if (chats.length === 0) break;
        const p = redis.pipeline();
        for (const c of chats) p.exists(lock(c)).zcard(q(c));
        const res = (await p.exec()) ?? [];
        const stale: string[] = [];
        chats.forEach((c, i) => {
          const locked = Number(res[2 * i]?.[1] ?? 1) === 1;
          const size = Number(res[2 * i + 1]?.[1] ?? 0);
          if (!locked && size > 0 && out.length < limit) out.push(c);
          else if (!locked && size === 0) stale.push(c);
        });
        let removed = 0;
        for (const c of stale) removed += Number(await FORGET_IF_IDLE(redis, [lock(c), q(c), work], [c]));
        start -= removed; // the set shrank under the cursor
        if (chats.length < batch) break;
      }
      return out;
    },
    async backlog(staleMs) {
      const now = Date.now();
      const res = (await redis.pipeline().zcard(work).zrange(work, "0", "0", "WITHSCORES").zcount(work, "-inf", now - staleMs).exec()) ?? [];
      const err = res.find(([e]) => e)?.[0];
      if (err) throw err;
      const [chats, first, stale] = res.map(([, v]) => v) as [number, string[], number];
      return { chats: Number(chats ?? 0), oldestWaitMs: first?.length === 2 ? Math.max(0, now - Number(first[1])) : 0, stale: Number(stale ?? 0) };
    },
    async adoptLegacy() {
      return Number(await ADOPT_LEGACY(redis, [`${prefix}q:pending`, work], [Date.now()]));
    },
    async size(chat) {
      return redis.zcard(q(chat));
    },
  };
}
