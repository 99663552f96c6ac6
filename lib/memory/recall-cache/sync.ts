import { randomBytes } from "node:crypto";
import type { ChainableCommander, Redis } from "ioredis";
import { syncScript } from "../../redis/lua/recall-cache";
import { UserIndex } from "./user-index";

/**
 * Keeps UserIndex copies of users' memories in step with Redis, one EVALSHA per recall.
 *
 * Every engine write also RPUSHes `<id> <nonce>` (ids may contain spaces: the nonce is after the last one) to the user's id log (same MULTI as the record,
 * same TTL). The log's length is the user's version; its head entry (carrying a random nonce)
 * names the generation: forget / reindex / import-after-forget / TTL expiry delete the log, and
 * the next write starts a new one with a new head, so a stale copy can never look current even
 * when the same ids come back. The script answers, atomically:
 *   unchanged           → {len}
 *   appended since      → {len, head, ids, records}   (only the new entries, HMGET)
 *   anything else       → {len, head, HGETALL}        (fill / refill)
 * A user without a log (no memories, or records older than the log) gets the HGETALL and is not
 * cached. Several app instances each keep their own copies and see each other's writes on the
 * next call, because the version lives in Redis.
 */

export interface RecallCacheOptions {
  redis: Redis;
  /** The user's id log (LIST). */
  logKey(userId: number): string;
  /** The user's HASH of packed records (id → record). */
  dataKey(userId: number): string;
  /** Vector dims to index (scan), or undefined for lexical only (vector sets). */
  dims: number | undefined;
  /** Byte cap over all cached users (LRU); 0 disables the cache. */
  maxBytes: number;
}

export interface RecallCacheStats {
  enabled: boolean;
  users: number;
  memories: number;
  bytes: number;
  capBytes: number;
  /** Recalls answered with no new data from Redis. */
  hits: number;
  /** Recalls that fetched only new records. */
  deltas: number;
  /** Full loads (first recall of a user, after forget/reindex/expiry, after eviction). */
  fills: number;
  /** Users dropped to stay under the byte cap. */
  evictions: number;
}

/** Entry for the id log (a short random nonce makes each generation's head unique). */
export function logEntry(id: string): string {
  return `${id} ${randomBytes(4).toString("hex")}`;
}

/** Queues the id-log commands of one engine write (same MULTI as the record, same TTL). */
export function queueLogEntry(p: ChainableCommander, key: string, id: string, ttlSeconds: number): void {
  p.rpush(key, logEntry(id));
  if (ttlSeconds > 0) p.expire(key, ttlSeconds);
}

type Reply = [Buffer | number, Buffer?, Buffer[]?, (Buffer | null)[]?];

export class RecallCache {
  private readonly users = new Map<number, UserIndex>();
  /** A full load in flight per user: concurrent recalls wait for it instead of loading again. */
  private readonly filling = new Map<number, Promise<unknown>>();
  private bytes = 0;
  private readonly counts = { hits: 0, deltas: 0, fills: 0, evictions: 0 };

  constructor(private readonly opts: RecallCacheOptions) {}

  get enabled(): boolean {
    return this.opts.maxBytes > 0;
  }

  /** This user's memories, current as of this call (one round trip; two after a rare race). */
  async get(userId: number): Promise<UserIndex> {
    const first = await this.sync(userId);
    if (first) return first;
    this.drop(userId);
    return (await this.sync(userId))!;
  }

  private async sync(userId: number): Promise<UserIndex | undefined> {
    const pending = this.filling.get(userId);
    if (pending) await pending.catch(() => undefined);
    const sent = this.users.get(userId);
    const sentLength = sent?.length ?? 0;
    const call = syncScript(
      this.opts.redis,
      [this.opts.logKey(userId), this.opts.dataKey(userId)],
      [sent?.head ?? "", sentLength],
    );
    if (!sent) this.filling.set(userId, call);
    let reply: Reply;
    try {
      reply = (await call) as Reply;
    } finally {
      if (this.filling.get(userId) === call) this.filling.delete(userId);
    }
    return this.apply(userId, sent, sentLength, reply);
  }

  /** Applies a script reply; undefined when it raced with another call and a full load is needed. */
  private apply(userId: number, sent: UserIndex | undefined, sentLength: number, reply: Reply): UserIndex | undefined {
    const len = Number(reply[0]);
    if (reply.length === 1) {
      this.counts.hits++;
      const cur = this.users.get(userId);
      return cur ? this.keep(cur) : sent;
    }
    const head = reply[1]!.toString();
    if (reply.length === 4) {
      const idx = this.users.get(userId);
      if (!idx || idx.head !== head || idx.length < sentLength) return undefined;
      this.counts.deltas++;
      const ids = reply[2]!;
      const values = reply[3]!;
      // a concurrent call may already have applied the first part of this delta: skip what it added
      for (let i = idx.length - sentLength; i < ids.length; i++) {
        const v = values[i];
        if (v) idx.add(ids[i]!.toString(), v); // nil: the record went away mid-way
      }
      idx.length = Math.max(idx.length, len);
      return idx.stale ? undefined : this.keep(idx, idx.bytes);
    }
    this.counts.fills++;
    const idx = new UserIndex(userId, this.opts.dims, head, len);
    const flat = reply[2]!;
    idx.reserve(flat.length / 2 + 16);
    for (let i = 0; i + 1 < flat.length; i += 2) idx.add(flat[i]!.toString(), flat[i + 1] as Buffer);
    this.drop(userId);
    if (len === 0 || !this.enabled) return idx; // no log: exact data, nothing to keep in step with
    this.users.set(userId, idx);
    return this.keep(idx, idx.bytes);
  }

  /** Marks `idx` most recently used, re-counts its bytes, evicts least recently used users over the cap. */
  private keep(idx: UserIndex, bytes?: number): UserIndex {
    if (this.users.get(idx.userId) !== idx) return idx;
    this.users.delete(idx.userId);
    this.users.set(idx.userId, idx);
    if (bytes !== undefined) {
      this.bytes += bytes - (this.accounted.get(idx) ?? 0);
      this.accounted.set(idx, bytes);
    }
    for (const [u, other] of this.users) {
      if (this.bytes <= this.opts.maxBytes) break;
      if (other === idx && this.users.size > 1) continue;
      this.drop(u);
      this.counts.evictions++;
    }
    return idx;
  }

  private readonly accounted = new WeakMap<UserIndex, number>();

  /** Forgets one user's copy (after deleteUser; the next recall reloads). */
  drop(userId: number): void {
    const idx = this.users.get(userId);
    if (!idx) return;
    this.bytes -= this.accounted.get(idx) ?? 0;
    this.users.delete(userId);
  }

  clear(): void {
    this.users.clear();
    this.bytes = 0;
  }

  stats(): RecallCacheStats {
    let memories = 0;
    for (const idx of this.users.values()) memories += idx.size;
    return {
      enabled: this.enabled,
      users: this.users.size,
      memories,
      bytes: this.bytes,
      capBytes: this.opts.maxBytes,
      ...this.counts,
    };
  }
}
