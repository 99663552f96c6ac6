import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { memoryKeys } from "../memory/keys";

/**
 * Durable per-chat update queue with a lock, so a webhook can acknowledge at once and the work
 * runs after the response while one chat's messages are handled strictly in order and never
 * two at a time (also across serverless instances).
 *
 *   <prefix>q:<chat>       ZSET update JSON, scored by update_id (Telegram's order)
 *   <prefix>q:lock:<chat>  STRING holder token, PX expiry: a holder that dies frees the chat
 *   <prefix>q:pending      SET of chats with queued updates (to resume orphaned queues)
 *
 * The Telegram dedup key is the memory layer's `upd:<update_id>` (the one
 * memory.markUpdateProcessed sets), written in the same script as the enqueue so an update
 * is never marked seen without being queued.
 */

const DEDUP_SECONDS = 86400;
const QUEUE_TTL_SECONDS = 7 * 86400;

const ENQUEUE = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('SADD', KEYS[3], ARGV[3])
return 1`;

const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`;

const ACK = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[2])
return 1`;

// Releases only when the queue is empty, atomically: an update enqueued while the holder was
// busy is either seen by the holder or finds the lock free. No wake-up is ever lost.
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[3], ARGV[2])
return 1`;

// Drops a chat from the pending set only if it is still idle (an enqueue may have just raced in).
const FORGET_IF_IDLE = `
if redis.call('EXISTS', KEYS[1]) == 0 and redis.call('ZCARD', KEYS[2]) == 0 then return redis.call('SREM', KEYS[3], ARGV[1]) end
return 0`;

export type ReleaseResult = "released" | "busy" | "lost";

export interface ChatQueue {
  readonly lockMs: number;
  /** False when the update id was seen before (Telegram retry): acknowledge, do not queue. */
  enqueue(chat: string, updateId: number, payload: string): Promise<boolean>;
  /** A holder token, or undefined when another worker holds the chat. */
  tryLock(chat: string): Promise<string | undefined>;
  renew(chat: string, token: string): Promise<boolean>;
  /** The oldest queued update (lowest update_id). */
  peek(chat: string): Promise<string | undefined>;
  /** Removes a handled update; false if the lock was lost meanwhile (then someone else has the chat). */
  ack(chat: string, token: string, payload: string): Promise<boolean>;
  release(chat: string, token: string): Promise<ReleaseResult>;
  /** Chats with queued updates and no live holder (their worker died), at most `limit`. */
  orphans(limit: number): Promise<string[]>;
  size(chat: string): Promise<number>;
}

export function createChatQueue(redis: Redis, prefix: string, opts: { lockMs: number }): ChatQueue {
  const q = (chat: string) => `${prefix}q:${chat}`;
  const lock = (chat: string) => `${prefix}q:lock:${chat}`;
  const pending = `${prefix}q:pending`;
  const dedup = memoryKeys(prefix).update;

  return {
    lockMs: opts.lockMs,
    async enqueue(chat, updateId, payload) {
      const res = await redis.eval(ENQUEUE, 3, dedup(updateId), q(chat), pending, updateId, payload, chat, DEDUP_SECONDS, QUEUE_TTL_SECONDS);
      return res === 1;
    },
    async tryLock(chat) {
      const token = randomUUID();
      return (await redis.set(lock(chat), token, "PX", opts.lockMs, "NX")) === "OK" ? token : undefined;
    },
    async renew(chat, token) {
      return (await redis.eval(RENEW, 1, lock(chat), token, opts.lockMs)) === 1;
    },
    async peek(chat) {
      const [first] = await redis.zrange(q(chat), "0", "0");
      return first;
    },
    async ack(chat, token, payload) {
      return (await redis.eval(ACK, 2, lock(chat), q(chat), token, payload)) === 1;
    },
    async release(chat, token) {
      const res = Number(await redis.eval(RELEASE, 3, lock(chat), q(chat), pending, token, chat));
      return res === 1 ? "released" : res === 0 ? "busy" : "lost";
    },
    async orphans(limit) {
      const chats = await redis.srandmember(pending, limit);
      if (chats.length === 0) return [];
      const p = redis.pipeline();
      for (const c of chats) p.exists(lock(c)).zcard(q(c));
      const res = (await p.exec()) ?? [];
      const out: string[] = [];
      const stale: string[] = [];
      chats.forEach((c, i) => {
        const locked = Number(res[2 * i]?.[1] ?? 1) === 1;
        const size = Number(res[2 * i + 1]?.[1] ?? 0);
        if (!locked && size > 0) out.push(c);
        else if (!locked && size === 0) stale.push(c);
      });
      for (const c of stale) await redis.eval(FORGET_IF_IDLE, 3, lock(c), q(c), pending, c);
      return out;
    },
    async size(chat) {
      return redis.zcard(q(chat));
    },
  };
}
