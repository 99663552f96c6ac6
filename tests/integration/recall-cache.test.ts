/**
 * The recall cache (lib/memory/recall-cache) against its real servers: results must be
 * identical — same ids, same order, same scores to the last bit — to the exact path (the same
 * engine with the cache off), cold, warm, after writes and deletes from another app instance,
 * after reindex with the same ids, after the keys expire, and under a byte cap small enough to
 * evict. scan on redis7 / valkey8 (vectors + BM25), vectorset on redis8 (BM25 half).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { createEngine } from "@/lib/memory/engines";
import type { EngineContext, EngineHit, MemoryRecord, VectorEncoding, VectorEngine } from "@/lib/memory/engines/types";
import { memoryKeys } from "@/lib/redis/keys";
import { loadNative } from "@/lib/memory/recall-cache";
import { createRedisClient } from "@/lib/redis/client";
import type { VectorEngineName } from "@/lib/memory/engines/choose";
import { deletePrefix, keysWithPrefix, serverByName, uniquePrefix, type TestServer } from "../helpers/servers";
import { embeddingLike, prng, randomUnit } from "../helpers/vectors";
import { sentence } from "../helpers/engines-measure";

const DIMS = 384;
type Stored = MemoryRecord & { vector: Float32Array };

const targets: { label: string; server: TestServer["name"]; engine: VectorEngineName }[] = [
  { label: "scan (redis7)", server: "redis7", engine: "scan" },
  { label: "scan (valkey8)", server: "valkey8", engine: "scan" },
  { label: "vectorset (redis8)", server: "redis8", engine: "vectorset" },
];

let seq = 0;
function makeRecords(rand: () => number, userId: number, n: number, tag = "r"): Stored[] {
  const gen = embeddingLike(rand, DIMS);
  const vec = () => gen.sample(rand);
  return Array.from({ length: n }, () => {
    const i = seq++;
    // repeated texts and words: many BM25 ties, so the tie order is exercised
    return {
      id: `${tag}${String(i).padStart(6, "0")}`,
      userId,
      role: i % 2 ? "assistant" : "user",
      content: i % 7 === 0 ? "coffee with friends" : sentence(rand, 3 + (i % 13)),
      ts: 1_700_000_000_000 + i,
      vector: vec(),
    } as Stored;
  });
}

async function writeAll(redis: Redis, engine: VectorEngine, records: Stored[], multi = false): Promise<void> {
  for (let i = 0; i < records.length; i += 500) {
    const p = multi ? redis.multi() : redis.pipeline();
    for (const r of records.slice(i, i + 500)) engine.write(p, r, r.vector);
    const res = (await p.exec()) ?? [];
    const failed = res.find(([e]) => e);
    if (failed) throw failed[0];
  }
}

const plain = (hits: EngineHit[]) =>
  hits.map((h) => ({
    id: h.record.id,
    score: h.score,
    content: h.record.content,
    role: h.record.role,
    ts: h.record.ts,
    userId: h.record.userId,
  }));

for (const t of targets) {
  const server = serverByName(t.server);
  const skip = server ? false : `${t.server} server not configured (run through npm test)`;

  describe(`recall cache: ${t.label}`, { skip }, () => {
    let redis: Redis;
    let prefix: string;
    let base: EngineContext;
    const engines: VectorEngine[] = [];
    const make = (over: Partial<EngineContext> = {}) => {
      const e = createEngine(t.engine, { ...base, ...over });
      engines.push(e);
      return e;
    };

    before(async () => {
      await loadNative();
      redis = createRedisClient({ url: server!.url, commandTimeoutMs: 60_000 });
      prefix = uniquePrefix(`rc-${t.engine}`);
      base = {
        redis,
        keys: memoryKeys(prefix),
        dims: DIMS,
        embedderId: "test:random",
        encoding: "float32",
        algorithm: "HNSW",
        ttlSeconds: 0,
      };
    });

    after(async () => {
      await engines[0]?.dropAll().catch(() => undefined);
      if (redis) {
        await deletePrefix(redis, prefix);
        redis.disconnect();
      }
    });

    /** Asserts the cached engine answers exactly like the exact one for a batch of queries. */
    async function assertSame(
      cached: VectorEngine,
      exact: VectorEngine,
      userId: number,
      records: Stored[],
      rand: () => number,
      what: string,
    ) {
      const texts = [
        "coffee friends",
        "dinner movie tonight",
        "the and of",
        "pasta recipe cake tea",
        records[3]?.content ?? "x",
        "zebra",
      ];
      for (let q = 0; q < texts.length; q++) {
        const exclude = q % 2 ? new Set(records.slice(0, 4).map((r) => r.id)) : undefined;
        const query = { userId, k: q === 2 ? 5 : 50, excludeIds: exclude };
        assert.deepEqual(
          plain(await cached.lexicalSearch(texts[q]!, query)),
          plain(await exact.lexicalSearch(texts[q]!, query)),
          `${what}: lexical "${texts[q]}"`,
        );
        if (t.engine !== "scan") continue;
        const vec = q % 3 === 0 ? randomUnit(rand, DIMS) : records[(q * 37) % records.length]!.vector;
        assert.deepEqual(
          plain(await cached.denseSearch(vec, query)),
          plain(await exact.denseSearch(vec, query)),
          `${what}: dense #${q}`,
        );
      }
    }

    it("cold, warm, and after another instance writes, deletes and re-creates the user: identical to the exact path", async () => {
      const rand = prng(17);
      const u = 920001;
      const exact = make({ recallCacheBytes: 0 });
      const a = make();
      const b = make();
      const cold = make({ recallCacheBytes: 1 }); // every user evicted after each query: always a fresh fill
      await a.ensureIndex();
      const first = makeRecords(rand, u, 1200);
      await writeAll(redis, b, first);
      await assertSame(a, exact, u, first, rand, "cold fill");
      await assertSame(a, exact, u, first, rand, "warm");
      await assertSame(cold, exact, u, first, rand, "always cold");
      const info = (await a.info()).recallCache as unknown as Record<string, number>;
      assert.equal(info.users, 1);
      assert.equal(info.memories, 1200);
      assert.ok(info.hits! > 0 && info.fills === 1, `one fill then hits: ${JSON.stringify(info)}`);
      assert.ok(
        ((await cold.info()).recallCache as unknown as Record<string, number>).evictions! > 0,
        "the tiny cap evicts",
      );

      // instance b appends (MULTI, like appendMessage): a sees them on its next call, as a delta
      const more = makeRecords(rand, u, 30);
      more[5] = { ...more[5]!, id: `spaced id {x} "q" ${more[5]!.id}`, content: "kangaroo with a spaced id" };
      await writeAll(redis, b, more, true);
      await assertSame(a, exact, u, [...more, ...first], rand, "after b's writes");
      assert.ok(
        ((await a.info()).recallCache as unknown as Record<string, number>).deltas! > 0,
        "new records came as a delta",
      );
      assert.deepEqual(
        (await a.lexicalSearch("kangaroo", { userId: u, k: 3 })).map((h) => h.record.id),
        [more[5]!.id],
        "an id with spaces arrives through the delta",
      );

      // b trims the oldest 200 (the memory budget's deleteMemories): a never serves them again,
      // and the id log goes with them (it would otherwise outlive its memories)
      const all = [...more, ...first];
      const trimmedIds = first.slice(0, 200).map((r) => r.id);
      assert.equal(await b.deleteMemories(u, trimmedIds), 200);
      assert.equal(await redis.exists(`${prefix}m:l:${u}`), 0, "the id log is deleted with trimmed memories");
      const kept = all.filter((r) => !trimmedIds.includes(r.id));
      await assertSame(a, exact, u, kept, rand, "after b trims");
      const extra = makeRecords(rand, u, 10);
      await writeAll(redis, b, extra, true);
      await assertSame(a, exact, u, [...extra, ...kept], rand, "writes after a trim");

      // b forgets the user, then the same ids come back with other vectors and texts (reindex / re-import)
      await b.deleteUser(u);
      assert.deepEqual(await a.lexicalSearch("coffee friends", { userId: u, k: 5 }), []);
      const again = first.slice(0, 300).map((r, i) => ({
        ...r,
        content: i % 2 ? "brand new pineapple words" : r.content,
        vector: randomUnit(rand, DIMS),
      }));
      await writeAll(redis, b, again);
      await assertSame(a, exact, u, again, rand, "after forget + same ids again");

      // TTL expiry: every key of the user vanishes on the server side
      const keys = (await keysWithPrefix(redis, prefix)).filter((k) => k.endsWith(`:${u}`));
      assert.ok(keys.length >= 2);
      await redis.del(...keys);
      assert.deepEqual(await a.lexicalSearch("pineapple", { userId: u, k: 5 }), []);
      if (t.engine === "scan") assert.deepEqual(await a.denseSearch(again[0]!.vector, { userId: u, k: 5 }), []);
    });

    it("concurrent recalls during writes stay exact; dropAll (reindex) invalidates", async () => {
      const rand = prng(29);
      const u = 920002;
      const exact = make({ recallCacheBytes: 0 });
      const a = make();
      const b = make();
      const recs = makeRecords(rand, u, 600);
      await writeAll(redis, b, recs.slice(0, 300));
      const batches = [];
      for (let i = 300; i < 600; i += 30) {
        batches.push(writeAll(redis, b, recs.slice(i, i + 30), true));
        batches.push(a.lexicalSearch("coffee friends", { userId: u, k: 10 }));
        if (t.engine === "scan") batches.push(a.denseSearch(recs[i]!.vector, { userId: u, k: 10 }));
      }
      await Promise.all(batches);
      await assertSame(a, exact, u, recs, rand, "after concurrent writes");

      await a.dropAll();
      await a.ensureIndex();
      const moved = recs.map((r) => ({ ...r, vector: randomUnit(rand, DIMS), content: r.content + " reindexed" }));
      await writeAll(redis, b, moved);
      await assertSame(a, exact, u, moved, rand, "after dropAll + rewrite with the same ids");
    });

    it("every stored encoding scores bit-identically from the cache", { skip: t.engine !== "scan" }, async () => {
      for (const encoding of ["float16", "int8"] as VectorEncoding[]) {
        const rand = prng(41);
        const keys = memoryKeys(uniquePrefix(`rc-enc-${encoding}`));
        const exact = make({ keys, encoding, recallCacheBytes: 0 });
        const a = make({ keys, encoding });
        await a.ensureIndex();
        const recs = makeRecords(rand, 920003, 900);
        await writeAll(redis, a, recs);
        await assertSame(a, exact, 920003, recs, rand, encoding);
        await a.dropAll();
      }
    });
  });
}
