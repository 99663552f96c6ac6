import { l2normalize } from "../../embeddings/types";
import { deleteMatching, prefixPattern } from "../../redis/scan";
import { readHeader } from "./codec";
import type { EngineContext, EngineHit, EngineQuery, MemoryRecord } from "./types";

/** Shared bits of the engines: a copy of the query as a unit vector, top-k, key scans. */

/** A unit-length copy (the caller's vector is left alone); the one normaliser is l2normalize. */
export function unit(v: Float32Array): Float32Array {
  return l2normalize(Float32Array.from(v));
}

/** Best `k` of scored items, score descending, id ascending on ties (a stable, testable order). */
export function topK<T extends { score: number; id: string }>(items: T[], k: number): T[] {
  items.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return items.slice(0, Math.max(0, k));
}

/** How many candidates to ask an index for so `k` remain after dropping excluded ids. */
export function wanted(q: EngineQuery): number {
  return q.k + (q.excludeIds?.size ?? 0);
}

export function dropExcluded(hits: EngineHit[], q: EngineQuery): EngineHit[] {
  const ex = q.excludeIds;
  return (ex && ex.size ? hits.filter((h) => !ex.has(h.record.id)) : hits).slice(0, q.k);
}

/** Newest first, id descending on equal timestamps (ids are time-sortable). */
export function newestFirst(a: Pick<MemoryRecord, "ts" | "id">, b: Pick<MemoryRecord, "ts" | "id">): number {
  return b.ts - a.ts || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Every key under the memory namespace (SCAN, never KEYS), deleted in batches. Returns the count. */
export async function deleteNamespace(ctx: EngineContext): Promise<number> {
  return deleteMatching(ctx.redis, prefixPattern(ctx.keys.memoryNamespace()));
}

/** The SET of user ids that have memories (scan / vector-set global search and counts). */
export function usersKey(ctx: EngineContext): string {
  return ctx.keys.memoryGlobal("users");
}

export async function memoryUsers(ctx: EngineContext): Promise<number[]> {
  return (await ctx.redis.smembers(usersKey(ctx))).map(Number).filter(Number.isSafeInteger);
}

/** HGETALL (as buffers) of one per-user key for each user, in one pipelined round trip. */
export async function hgetallPerUser(
  ctx: EngineContext,
  users: number[],
  keyOf: (userId: number) => string,
): Promise<[number, Record<string, Buffer>][]> {
  if (users.length === 0) return [];
  const p = ctx.redis.pipeline();
  for (const u of users) p.hgetallBuffer(keyOf(u));
  const res = (await p.exec()) ?? [];
  return users.map((u, i) => [u, (res[i]?.[1] as Record<string, Buffer> | null) ?? {}]);
}

/**
 * The `n` oldest fields of a hash of packed records (oldest first, the reverse of newestFirst),
 * read with HSCAN in pages of about `count` fields so no single reply is large. HSCAN may return a
 * field twice (deduplicated here); fields written during the scan are newer than any kept one.
 */
export async function oldestPackedIds(
  redis: EngineContext["redis"],
  key: string,
  n: number,
  count = 100,
): Promise<string[]> {
  if (n <= 0) return [];
  const seen = new Map<string, number>();
  let cursor = "0";
  do {
    const [next, flat] = await redis.hscanBuffer(key, cursor, "COUNT", count);
    cursor = String(next);
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const id = flat[i]!.toString();
      try {
        seen.set(id, readHeader(flat[i + 1]!).ts);
      } catch {
        seen.set(id, -Infinity); // unreadable record: the first to go
      }
    }
  } while (cursor !== "0");
  return [...seen]
    .map(([id, ts]) => ({ id, ts }))
    .sort((a, b) => newestFirst(b, a))
    .slice(0, n)
    .map((r) => r.id);
}
