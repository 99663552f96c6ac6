import type { ChainableCommander } from "ioredis";
import { bm25Search } from "../lexical";
import { packedCosine, packRecord, packedVector, readHeader, unpackRecord } from "./codec";
import { assertUserId } from "../ids";
import {
  deleteNamespace,
  dropExcluded,
  hgetallPerUser,
  memoryUsers,
  newestFirst,
  oldestPackedIds,
  topK,
  unit,
  usersKey,
} from "./common";
import { checkAndWriteMeta } from "./meta";
import { recallCacheFor } from "../recall-cache";
import type { EngineContext, EngineHit, MemoryRecord, VectorEngine } from "./types";

/**
 * Exact search for servers without vector commands (Redis 7, Valkey 8, Upstash).
 * One HASH per user: field = memory id, value = packed record (header + vector in the chosen
 * encoding + content + meta, see codec.ts). A user query is ONE HGETALL; cosine and BM25 run
 * in the app. Global search reads every user's hash (SMEMBERS + one pipelined HGETALL each):
 * O(all memories) transferred per query — fine for the dashboard, not for a hot path.
 * Per-user queries go through the recall cache (lib/memory/recall-cache): decoded vectors and a
 * BM25 index kept in step with Redis by an id log, one small EVALSHA per query when nothing
 * changed; results are identical to the exact path below (cache off or global search).
 */
export function createScanEngine(ctx: EngineContext): VectorEngine {
  const userKey = (u: number) => ctx.keys.memoryUser(u, "s");
  const cache = recallCacheFor(ctx, userKey, ctx.dims);

  /** [userId, field → packed] for one user or all users, in one round trip per phase. */
  async function load(userId: number | undefined): Promise<[number, Record<string, Buffer>][]> {
    if (userId !== undefined) {
      assertUserId(userId);
      return [[userId, await ctx.redis.hgetallBuffer(userKey(userId))]];
    }
    return hgetallPerUser(ctx, await memoryUsers(ctx), userKey);
  }

  const engine: VectorEngine = {
    name: "scan",
    async ensureIndex() {
      await checkAndWriteMeta("scan", ctx);
    },

    write(p: ChainableCommander, rec: MemoryRecord, vector: Float32Array) {
      assertUserId(rec.userId);
      const key = userKey(rec.userId);
      p.hset(key, rec.id, packRecord(rec, vector, ctx.encoding));
      if (ctx.ttlSeconds > 0) p.expire(key, ctx.ttlSeconds);
      cache.queueWrite(p, rec.userId, rec.id); // after the HSET: a logged id always has its record
      p.sadd(usersKey(ctx), String(rec.userId));
    },

    async denseSearch(vector, q) {
      const query = unit(vector);
      if (q.userId !== undefined && cache.enabled) {
        assertUserId(q.userId);
        return (await cache.get(q.userId)).denseSearch(query, q.k, q.excludeIds);
      }
      const scored: { id: string; score: number; userId: number; buf: Buffer }[] = [];
      for (const [userId, fields] of await load(q.userId)) {
        for (const id in fields) {
          if (q.excludeIds?.has(id)) continue;
          const buf = fields[id]!;
          const score = packedCosine(query, buf, readHeader(buf));
          if (score !== undefined) scored.push({ id, userId, buf, score });
        }
      }
      return topK(scored, q.k).map((s) => ({ record: unpackRecord(s.id, s.userId, s.buf), score: s.score }));
    },

    async lexicalSearch(text, q) {
      if (q.userId !== undefined && cache.enabled) {
        assertUserId(q.userId);
        return (await cache.get(q.userId)).lexicalSearch(text, q.k, q.excludeIds);
      }
      const docs: { item: MemoryRecord; text: string; id: string }[] = [];
      for (const [userId, fields] of await load(q.userId)) {
        for (const id in fields) {
          if (q.excludeIds?.has(id)) continue;
          const rec = unpackRecord(id, userId, fields[id]!);
          docs.push({ item: rec, text: rec.content, id });
        }
      }
      const hits: EngineHit[] = bm25Search(text, docs, q.k).map((h) => ({ record: h.item, score: h.score }));
      return dropExcluded(hits, q);
    },

    async list(userId, opts) {
      const [[, fields] = [userId, {}]] = await load(userId);
      const heads = Object.entries(fields).map(([id, buf]) => ({ id, buf, h: readHeader(buf) }));
      heads.sort((a, b) => newestFirst({ id: a.id, ts: a.h.ts }, { id: b.id, ts: b.h.ts }));
      const page = heads.slice(opts.offset, opts.offset + opts.limit);
      return {
        total: heads.length,
        records: page.map(({ id, buf, h }) => {
          const rec: MemoryRecord & { vector?: Float32Array } = unpackRecord(id, userId, buf, h);
          if (opts.withVectors) rec.vector = Float32Array.from(packedVector(buf, h) ?? []);
          return rec;
        }),
      };
    },

    async count(userId) {
      if (userId !== undefined) return ctx.redis.hlen(userKey(userId));
      const users = await memoryUsers(ctx);
      if (users.length === 0) return 0;
      const p = ctx.redis.pipeline();
      for (const u of users) p.hlen(userKey(u));
      return ((await p.exec()) ?? []).reduce((n, [, v]) => n + Number(v ?? 0), 0);
    },

    oldestIds(userId, n) {
      assertUserId(userId);
      return oldestPackedIds(ctx.redis, userKey(userId), n);
    },

    async deleteUser(userId) {
      assertUserId(userId);
      await ctx.redis.multi().del(userKey(userId), cache.logKey(userId)).srem(usersKey(ctx), String(userId)).exec();
      cache.drop(userId);
    },

    async deleteMemories(userId, ids) {
      assertUserId(userId);
      if (ids.length === 0) return 0;
      const [[, n] = [null, 0], [, left] = [null, 1]] = ((await ctx.redis
        .multi()
        .hdel(userKey(userId), ...ids)
        .hlen(userKey(userId))
        // The id log only grows: deleting it makes every recall cache (any instance) reload this
        // user instead of serving the deleted records, and keeps the log from outliving its memories.
        .del(cache.logKey(userId))
        .exec()) ?? []) as [unknown, number][];
      cache.drop(userId);
      if (Number(left) === 0) await ctx.redis.srem(usersKey(ctx), String(userId));
      return Number(n);
    },

    async info() {
      const users = await memoryUsers(ctx);
      return {
        engine: "scan",
        exact: true,
        encoding: ctx.encoding,
        dims: ctx.dims,
        users: users.length,
        memories: await engine.count(),
        recallCache: cache.stats(),
      };
    },

    async dropAll() {
      cache.clear();
      await deleteNamespace(ctx);
      cache.clear();
    },
  };
  return engine;
}
