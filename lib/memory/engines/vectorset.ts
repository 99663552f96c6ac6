import type { ChainableCommander } from "ioredis";
import { AppError } from "../../errors";
import { bm25Search } from "../lexical";
import { packRecord, readHeader, unpackRecord } from "./codec";
import { assertUserId } from "../ids";
import {
  deleteNamespace,
  dropExcluded,
  hgetallPerUser,
  memoryUsers,
  newestFirst,
  topK,
  usersKey,
  wanted,
  oldestPackedIds,
} from "./common";
import { vsimWithContent } from "../../redis/lua/vectorset";
import { checkAndWriteMeta } from "./meta";
import { recallCacheFor } from "../recall-cache";
import type { EngineContext, EngineHit, EngineQuery, MemoryRecord, VectorEngine, VectorEncoding } from "./types";

/**
 * Redis 8 vector sets: one vector set per user (`<ns>vs:<user>`, element = memory id) next to a HASH of packed content records (`<ns>c:<user>`), because
 * vector sets hold no text. Per-user sets beat one shared set with FILTER by a wide margin
 * (docs/engines.md). A user query is one EVALSHA (VSIM + HMGET of the winners).
 * VSIM scores are (cos + 1) / 2; they are turned back into cosine here.
 * The lexical half (BM25 in the app) goes through the recall cache (lib/memory/recall-cache):
 * the content records decoded and indexed once, refreshed by an id-log delta per query.
 */
const QUANT: Record<VectorEncoding, string | undefined> = { float32: "NOQUANT", int8: "Q8", float16: undefined };
const BUILD_EF = 200;
/** Search exploration factor: 10k-vector recall@10 ≥ 0.95 (measured in the recall test). */
const searchEf = (n: number) => Math.max(200, 4 * n);

export function createVectorSetEngine(ctx: EngineContext): VectorEngine {
  const setKey = (u: number) => ctx.keys.memoryUser(u, "vs");
  const contentKey = (u: number) => ctx.keys.memoryUser(u, "c");
  const cache = recallCacheFor(ctx, contentKey, undefined);
  const fp32 = (v: Float32Array) => Buffer.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));

  function quant(): string {
    const q = QUANT[ctx.encoding];
    if (!q) {
      throw new AppError(
        "config:vector",
        `VECTOR_ENCODING=${ctx.encoding} is not available with vector sets (they store float32 = NOQUANT or int8 = Q8). Set VECTOR_ENCODING=int8 or float32.`,
      );
    }
    return q;
  }

  async function searchUser(userId: number, blob: Buffer, n: number): Promise<EngineHit[]> {
    const [pairs, contents] = (await vsimWithContent(
      ctx.redis,
      [setKey(userId), contentKey(userId)],
      [blob, n, searchEf(n)],
    )) as [Buffer[], (Buffer | null)[]];
    const hits: EngineHit[] = [];
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const raw = contents[i / 2];
      if (raw == null) continue; // content expired or deleted mid-way
      hits.push({
        record: unpackRecord(pairs[i]!.toString(), userId, raw),
        score: 2 * Number(pairs[i + 1]!.toString()) - 1,
      });
    }
    return hits;
  }

  async function contents(userId: number | undefined): Promise<[number, Record<string, Buffer>][]> {
    return hgetallPerUser(ctx, userId === undefined ? await memoryUsers(ctx) : [userId], contentKey);
  }

  const engine: VectorEngine = {
    name: "vectorset",

    async ensureIndex() {
      quant();
      await checkAndWriteMeta("vectorset", ctx);
    },

    write(p: ChainableCommander, rec: MemoryRecord, vector: Float32Array) {
      assertUserId(rec.userId);
      const sk = setKey(rec.userId);
      const ck = contentKey(rec.userId);
      // No SETATTR: role and ts live in the content record, nothing filters on them (≈ 50 B each).
      p.call("VADD", sk, "FP32", fp32(vector), rec.id, quant(), "EF", String(BUILD_EF));
      p.hset(ck, rec.id, packRecord(rec, undefined, ctx.encoding));
      if (ctx.ttlSeconds > 0) p.expire(sk, ctx.ttlSeconds).expire(ck, ctx.ttlSeconds);
      cache.queueWrite(p, rec.userId, rec.id); // after the HSET: a logged id always has its record
      p.sadd(usersKey(ctx), String(rec.userId));
    },

    async denseSearch(vector, q: EngineQuery) {
      const n = wanted(q);
      if (n <= 0) return [];
      const blob = fp32(vector);
      if (q.userId !== undefined) {
        assertUserId(q.userId);
        return dropExcluded(await searchUser(q.userId, blob, n), q);
      }
      // Global: one VSIM per user (each its own small HNSW), merged. Cost grows with the user count.
      const users = await memoryUsers(ctx);
      const all = (await Promise.all(users.map((u) => searchUser(u, blob, n)))).flat();
      const ranked = topK(
        all.map((h) => ({ ...h, id: h.record.id })),
        all.length,
      );
      return dropExcluded(
        ranked.map(({ record, score }) => ({ record, score })),
        q,
      );
    },

    async lexicalSearch(text, q) {
      if (q.userId !== undefined && cache.enabled) {
        assertUserId(q.userId);
        return (await cache.get(q.userId)).lexicalSearch(text, q.k, q.excludeIds);
      }
      const docs: { item: MemoryRecord; text: string; id: string }[] = [];
      for (const [userId, fields] of await contents(q.userId)) {
        for (const id in fields) {
          if (q.excludeIds?.has(id)) continue;
          const rec = unpackRecord(id, userId, fields[id]!);
          docs.push({ item: rec, text: rec.content, id });
        }
      }
      return bm25Search(text, docs, q.k).map((h) => ({ record: h.item, score: h.score }));
    },

    async list(userId, opts) {
      assertUserId(userId);
      const [[, fields] = [userId, {}]] = await contents(userId);
      const heads = Object.entries(fields).map(([id, buf]) => ({ id, buf, h: readHeader(buf) }));
      heads.sort((a, b) => newestFirst({ id: a.id, ts: a.h.ts }, { id: b.id, ts: b.h.ts }));
      const records: (MemoryRecord & { vector?: Float32Array })[] = heads
        .slice(opts.offset, opts.offset + opts.limit)
        .map(({ id, buf, h }) => unpackRecord(id, userId, buf, h));
      if (opts.withVectors && records.length) {
        const p = ctx.redis.pipeline();
        for (const r of records) p.call("VEMB", setKey(userId), r.id);
        const res = (await p.exec()) ?? [];
        records.forEach((r, i) => {
          const v = res[i]?.[1] as string[] | null;
          if (Array.isArray(v)) r.vector = Float32Array.from(v.map(Number));
        });
      }
      return { records, total: heads.length };
    },

    async count(userId) {
      const users = userId === undefined ? await memoryUsers(ctx) : [userId];
      if (users.length === 0) return 0;
      const p = ctx.redis.pipeline();
      for (const u of users) p.hlen(contentKey(u));
      return ((await p.exec()) ?? []).reduce((n, [, v]) => n + Number(v ?? 0), 0);
    },

    oldestIds(userId, n) {
      assertUserId(userId);
      return oldestPackedIds(ctx.redis, contentKey(userId), n);
    },

    async deleteUser(userId) {
      assertUserId(userId);
      await ctx.redis
        .multi()
        .del(setKey(userId), contentKey(userId), cache.logKey(userId))
        .srem(usersKey(ctx), String(userId))
        .exec();
      cache.drop(userId);
    },

    async deleteMemories(userId, ids) {
      assertUserId(userId);
      if (ids.length === 0) return 0;
      const m = ctx.redis.multi();
      for (const id of ids) m.call("VREM", setKey(userId), id);
      m.hdel(contentKey(userId), ...ids).hlen(contentKey(userId));
      // The id log only grows: deleting it makes every recall cache (any instance) reload this
      // user instead of serving the deleted records, and keeps the log from outliving its memories.
      m.del(cache.logKey(userId));
      const res = ((await m.exec()) ?? []) as [unknown, number][];
      cache.drop(userId);
      if (Number(res[res.length - 2]?.[1]) === 0) await ctx.redis.srem(usersKey(ctx), String(userId));
      return Number(res[res.length - 3]?.[1] ?? 0);
    },

    async info() {
      const users = await memoryUsers(ctx);
      return {
        engine: "vectorset",
        layout: "one vector set per user",
        quantization: QUANT[ctx.encoding],
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
