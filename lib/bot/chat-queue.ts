import type { Redis } from "../redis/client";
import { ENQUEUE, ACQUIRE, RENEW, ACK, RELEASE, FORGET_IF_IDLE, ADOPT_LEGACY } from "../redis/lua/chat-queue";
import { botKeys, TELEGRAM_DEDUP_SECONDS } from "../redis/keys";

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
 * The Telegram dedup key `upd:<update_id>` is written in the same script as the enqueue, so an
 * update is never marked seen without being queued (keys: lib/redis/keys.ts).
 *
 * Every script goes by EVALSHA (loading itself on NOSCRIPT). Every script is safe to run twice
 * with the same arguments — ioredis resends an unanswered command after a reconnect, and our
 * own retries do the same — which is why a drain keeps ONE lock token for its whole life.
 */

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
  const k = botKeys(prefix);
  return { turn: k.turn(chat, updateId), replied: k.replied(chat, updateId) };
}

const str = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString("utf8") : String(v));

/** How many chats the sweep looks at per round trip. */
const SWEEP_BATCH = 100;

export function createChatQueue(redis: Redis, prefix: string, opts: { lockMs: number }): ChatQueue {
  const keys = botKeys(prefix);
  const q = keys.queue;
  const lock = keys.queueLock;
  const work = keys.queueWork();
  const dedup = keys.update;

  return {
    lockMs: opts.lockMs,
    async enqueue(chat, updateId, payload) {
      return (
        Number(
          await ENQUEUE(
            redis,
            [dedup(updateId), q(chat), work],
            [updateId, payload, chat, TELEGRAM_DEDUP_SECONDS, Date.now()],
          ),
        ) === 1
      );
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
      return (
        Number(await ACK(redis, [lock(chat), q(chat), work, t.turn, t.replied], [token, payload, chat, Date.now()])) ===
        1
      );
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
      const res =
        (await redis
          .pipeline()
          .zcard(work)
          .zrange(work, "0", "0", "WITHSCORES")
          .zcount(work, "-inf", now - staleMs)
          .exec()) ?? [];
      const err = res.find(([e]) => e)?.[0];
      if (err) throw err;
      const [chats, first, stale] = res.map(([, v]) => v) as [number, string[], number];
      return {
        chats: Number(chats ?? 0),
        oldestWaitMs: first?.length === 2 ? Math.max(0, now - Number(first[1])) : 0,
        stale: Number(stale ?? 0),
      };
    },
    async adoptLegacy() {
      return Number(await ADOPT_LEGACY(redis, [keys.legacyPending(), work], [Date.now()]));
    },
    async size(chat) {
      return redis.zcard(q(chat));
    },
  };
}
