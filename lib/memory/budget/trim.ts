import { APPLIED_TTL_SECONDS, type MemoryContext } from "../context";
import { prefixPattern, scanKeys } from "../../redis/scan";
import { idTime } from "../ids";

/**
 * The trim policy (documented in lib/memory/README.md "Memory budget"). Each call of
 * `trimBatch` removes at most one batch, in this order, and says what it removed:
 *
 *  0. replay guards and tombstones (`applied:<id>`) of messages older than a day (they only
 *     matter while a write may still be replayed from the journal), at most once per sweep;
 *  1. long-term memories beyond each user's newest KEEP_NEWEST, oldest first, of the least
 *     recently active user first (users index order), in chunks of at least MIN_CHUNK per
 *     user while some user has that many over the floor;
 *  2. the short-term history of users NOT active within HISTORY_PROTECT_DAYS, least recent first;
 *  3. the remaining long-term memories, same order as 1.
 *
 * Never: settings and counters (`u:<user>`), the users index, or the history of a user active
 * within HISTORY_PROTECT_DAYS. Memories are deleted through the engine (`deleteMemories`), so
 * every engine (and any cache of it) stays consistent.
 *
 * An unkeyed append is guarded by its own record (writes.ts recordGuard): before a memory
 * younger than a day is deleted, its tombstone `applied:<id>` is set (TTL: what an append's
 * guard would have left), so a journal replay of that write still stores nothing.
 */
export const KEEP_NEWEST = 100;
export const GUARD_MIN_AGE_MS = 86_400_000;
/** Smallest number of memories taken from one user in a batch while bigger chunks exist. */
export const MIN_CHUNK = 50;

export interface TrimOptions {
  protectDays: number;
  /** Memories per batch. */
  batch: number;
  keepNewest?: number;
}

export interface TrimResult {
  stage: "guards" | "memories" | "histories" | "all-memories";
  /** userId → memories removed (stages 1 and 3). */
  memories: Map<number, number>;
  histories: number[];
  guards: number;
}

const PAGE = 200;

/** Users ascending by last activity (least recent first), paged. */
async function* usersByActivity(ctx: MemoryContext): AsyncGenerator<{ userId: number; lastActiveMs: number }> {
  for (let start = 0; ; start += PAGE) {
    const flat = await ctx.redis.zrange(ctx.keys.users(), String(start), String(start + PAGE - 1), "WITHSCORES");
    for (let i = 0; i + 1 < flat.length; i += 2) yield { userId: Number(flat[i]), lastActiveMs: Number(flat[i + 1]) };
    if (flat.length < PAGE * 2) return;
  }
}

/**
 * Oldest memories of the least recently active users that have more than `keep` of them: up to
 * `batch` ids in all, filled user by user in activity order, each user's from the engine's
 * oldest-first id listing (small replies: no megabyte output buffer near maxmemory).
 */
async function oldestBeyond(
  ctx: MemoryContext,
  keep: number,
  batch: number,
  minChunk: number,
): Promise<{ userId: number; ids: string[] }[]> {
  const out: { userId: number; ids: string[] }[] = [];
  let left = batch;
  for await (const { userId } of usersByActivity(ctx)) {
    const total = await ctx.engine.count(userId);
    if (total - keep < Math.min(minChunk, left)) continue;
    const ids = await ctx.engine.oldestIds(userId, Math.min(left, total - keep));
    if (ids.length) out.push({ userId, ids });
    left -= ids.length;
    if (left <= 0) break;
  }
  return out;
}

/**
 * Tombstones for the memories about to be deleted that are younger than GUARD_MIN_AGE_MS: the
 * record was their write's guard. Set BEFORE the delete, so the record or its tombstone exists
 * at every moment. If Redis refuses them (at maxmemory) the trim goes on: freeing memory wins.
 */
async function tombstones(ctx: MemoryContext, ids: string[], now: number): Promise<void> {
  const young = ids.filter((id) => now - idTime(id) < GUARD_MIN_AGE_MS);
  if (!young.length) return;
  const p = ctx.redis.pipeline();
  for (const id of young)
    p.set(
      ctx.keys.applied(id),
      id,
      "EX",
      Math.min(APPLIED_TTL_SECONDS, Math.max(1, APPLIED_TTL_SECONDS - Math.floor((now - idTime(id)) / 1000))),
      "NX",
    );
  await p.exec().catch(() => undefined);
}

async function oldGuards(ctx: MemoryContext, now: number, max: number): Promise<number> {
  const at = ctx.keys.applied("").length;
  let removed = 0;
  for await (const keys of scanKeys(ctx.redis, prefixPattern(ctx.keys.applied("")), 2000)) {
    const old = keys.filter((k) => now - idTime(k.slice(at)) > GUARD_MIN_AGE_MS);
    if (old.length) removed += await ctx.redis.unlink(...old);
    if (removed >= max) break;
  }
  return removed;
}

export async function trimBatch(
  ctx: MemoryContext,
  o: TrimOptions,
  state: { guardsDone: boolean },
  now = Date.now(),
): Promise<TrimResult | undefined> {
  const empty = (stage: TrimResult["stage"]): TrimResult => ({ stage, memories: new Map(), histories: [], guards: 0 });
  if (!state.guardsDone) {
    state.guardsDone = true;
    const guards = await oldGuards(ctx, now, o.batch * 20);
    if (guards > 0) return { ...empty("guards"), guards };
  }
  const keep = o.keepNewest ?? KEEP_NEWEST;
  for (const [stage, floor] of [
    ["memories", keep],
    ["all-memories", 0],
  ] as const) {
    if (stage === "all-memories") {
      // stage 2 before the last memories go: histories of users inactive beyond the protection
      const cutoff = now - o.protectDays * 86_400_000;
      const stale: number[] = [];
      for await (const u of usersByActivity(ctx)) {
        if (u.lastActiveMs >= cutoff || stale.length >= PAGE) break;
        stale.push(u.userId);
      }
      if (stale.length) {
        const p = ctx.redis.pipeline();
        for (const u of stale) p.exists(ctx.keys.history(u));
        const exists = ((await p.exec()) ?? []).map(([, v]) => Number(v) === 1);
        const drop = stale.filter((_, i) => exists[i]);
        if (drop.length) {
          await ctx.redis.unlink(...drop.map((u) => ctx.keys.history(u)));
          return { ...empty("histories"), histories: drop };
        }
      }
    }
    // Users over the floor by at least MIN_CHUNK first (each listing reads the user's whole
    // memory set: trimming 3 memories per user per batch would be too slow), then any.
    let picks = await oldestBeyond(ctx, floor, o.batch, MIN_CHUNK);
    if (picks.length === 0) picks = await oldestBeyond(ctx, floor, o.batch, 1);
    if (picks.length) {
      const memories = new Map<number, number>();
      for (const pick of picks) {
        await tombstones(ctx, pick.ids, now);
        memories.set(pick.userId, await ctx.engine.deleteMemories(pick.userId, pick.ids));
      }
      return { ...empty(stage), memories };
    }
  }
  return undefined;
}
