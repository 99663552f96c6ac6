/**
 * The VectorEngine contract, run unchanged against every engine on its real server:
 * redis-stack → redisearch (HNSW and FLAT), redis8 → vectorset, redis7 and valkey8 → scan.
 * Vectors are seeded random + clustered unit vectors (no model); the reference is the exact
 * cosine ranking computed here. scan and vectorset also run with their recall cache
 * (lib/memory/recall-cache) off, always cold (a 1-byte cap evicts after every query), warm, and
 * warm while another engine instance on the same Redis does every write.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { isAppError } from "@/lib/errors";
import { createEngine } from "@/lib/memory/engines";
import type { EngineContext, MemoryRecord, VectorEncoding, VectorEngine } from "@/lib/memory/engines/types";
import { memoryKeys } from "@/lib/redis/keys";
import { createRedisClient } from "@/lib/redis/client";
import type { VectorEngineName } from "@/lib/memory/engines/choose";
import { deletePrefix, keysWithPrefix, serverByName, uniquePrefix, type TestServer } from "../helpers/servers";
import { clusteredVectors, cosine, exactTopK, prng, randomUnit, recallAt } from "../helpers/vectors";
import { bytesPerMessage, sentence } from "../helpers/engines-measure";

const DIMS = 384;
const USERS = [910001, 910002, 910003];
const PER_USER = 120;

interface Target {
  label: string;
  server: TestServer["name"];
  engine: VectorEngineName;
  algorithm: "HNSW" | "FLAT";
  cache?: "off" | "cold" | "warm" | "other instance writes";
}
const cacheModes = ["off", "cold", "warm", "other instance writes"] as const;
const targets: Target[] = [
  { label: "redisearch HNSW (redis-stack)", server: "redis-stack", engine: "redisearch", algorithm: "HNSW" },
  { label: "redisearch FLAT (redis-stack)", server: "redis-stack", engine: "redisearch", algorithm: "FLAT" },
  ...cacheModes.flatMap((cache) => [
    {
      label: `vectorset (redis8), recall cache ${cache}`,
      server: "redis8" as const,
      engine: "vectorset" as const,
      algorithm: "HNSW" as const,
      cache,
    },
    {
      label: `scan (redis7), recall cache ${cache}`,
      server: "redis7" as const,
      engine: "scan" as const,
      algorithm: "HNSW" as const,
      cache,
    },
    {
      label: `scan (valkey8), recall cache ${cache}`,
      server: "valkey8" as const,
      engine: "scan" as const,
      algorithm: "HNSW" as const,
      cache,
    },
  ]),
];
const CACHE_BYTES = { off: 0, cold: 1, warm: undefined, "other instance writes": undefined };

type Stored = MemoryRecord & { vector: Float32Array };

function makeRecords(seed: number): Stored[] {
  const rand = prng(seed);
  const vectors = clusteredVectors(rand, USERS.length * PER_USER, DIMS, { clusters: 12 });
  return vectors.map((vector, i) => ({
    id: `m${(1_700_000_000_000 + i * 1000).toString(36)}-${i}`,
    userId: USERS[i % USERS.length]!,
    role: i % 2 ? "assistant" : "user",
    content: sentence(rand, 12),
    ts: 1_700_000_000_000 + i * 1000,
    meta: { n: String(i) },
    vector,
  }));
}

async function writeAll(redis: Redis, engine: VectorEngine, records: Stored[]): Promise<void> {
  for (let i = 0; i < records.length; i += 500) {
    const p = redis.pipeline();
    for (const r of records.slice(i, i + 500)) engine.write(p, r, r.vector);
    const res = (await p.exec()) ?? [];
    const failed = res.find(([e]) => e);
    if (failed) throw failed[0];
  }
}

const userKeys = (keys: string[], userId: number) => keys.filter((k) => k.includes(`:${userId}`));

for (const t of targets) {
  const server = serverByName(t.server);
  const skip = server ? false : `${t.server} server not configured (run through npm test)`;

  describe(`engine contract: ${t.label}`, { skip }, () => {
    let redis: Redis;
    let prefix: string;
    let ctx: EngineContext;
    let engine: VectorEngine;
    /** The instance that writes: another one on the same Redis in "other instance writes". */
    let writer: VectorEngine;
    const records = makeRecords(42);
    const ofUser = (u: number) => records.filter((r) => r.userId === u);

    before(async () => {
      redis = createRedisClient({ url: server!.url, commandTimeoutMs: 60_000 });
      prefix = uniquePrefix(`eng-${t.engine}`);
      ctx = {
        redis,
        keys: memoryKeys(prefix),
        dims: DIMS,
        embedderId: "test:random",
        encoding: "float32",
        algorithm: t.algorithm,
        ttlSeconds: 0,
        recallCacheBytes: CACHE_BYTES[t.cache ?? "warm"],
      };
      engine = createEngine(t.engine, ctx);
      writer = t.cache === "other instance writes" ? createEngine(t.engine, ctx) : engine;
      await engine.ensureIndex();
      if (t.cache === "other instance writes") {
        // warm this instance's cache on part of the data, then the other instance writes the rest
        const half = records.filter((_, i) => i % 2 === 0);
        await writeAll(redis, writer, half);
        for (const u of USERS) {
          await engine.lexicalSearch("coffee", { userId: u, k: 3 });
          await engine.denseSearch(records[0]!.vector, { userId: u, k: 3 });
        }
        await writeAll(
          redis,
          writer,
          records.filter((_, i) => i % 2 === 1),
        );
      } else {
        await writeAll(redis, engine, records);
      }
    });

    after(async () => {
      await engine?.dropAll().catch(() => undefined);
      if (redis) {
        await deletePrefix(redis, prefix);
        redis.disconnect();
      }
    });

    it("dense search returns the exact cosine ranking (ids, order, scores within 1e-3)", async () => {
      const rand = prng(7);
      const mine = ofUser(USERS[0]!);
      for (let q = 0; q < 12; q++) {
        const query =
          q % 2 ? randomUnit(rand, DIMS) : mine[q]!.vector.map((x, i) => x + (rand() - 0.5) * 0.02 * (i % 3));
        const truth = exactTopK(query, mine, 11);
        const hits = await engine.denseSearch(query, { userId: USERS[0]!, k: 10 });
        assert.equal(hits.length, 10);
        hits.forEach((h, i) => {
          assert.ok(
            Math.abs(h.score - truth[i]!.score) < 1e-3,
            `rank ${i}: score ${h.score} vs exact ${truth[i]!.score}`,
          );
          assert.ok(
            Math.abs(h.score - cosine(query, records.find((r) => r.id === h.record.id)!.vector)) < 1e-3,
            "score is the cosine of that record",
          );
          const tie = truth.some((o, j) => j !== i && Math.abs(o.score - truth[i]!.score) < 1e-3);
          if (!tie) assert.equal(h.record.id, truth[i]!.id, `rank ${i}`);
        });
        const first = records.find((r) => r.id === hits[0]!.record.id)!;
        assert.deepEqual(
          { ...hits[0]!.record },
          {
            id: first.id,
            userId: first.userId,
            role: first.role,
            content: first.content,
            ts: first.ts,
            meta: first.meta,
          },
        );
      }
    });

    it("never returns another user's memory; global search spans users", async () => {
      const other = ofUser(USERS[1]!);
      for (const r of ofUser(USERS[0]!).slice(0, 5)) {
        const dense = await engine.denseSearch(r.vector, { userId: USERS[1]!, k: 20 });
        assert.ok(
          dense.length > 0 && dense.every((h) => h.record.userId === USERS[1]),
          "dense hits are the queried user's",
        );
        const lexical = await engine.lexicalSearch(r.content, { userId: USERS[1]!, k: 20 });
        assert.ok(
          lexical.every((h) => h.record.userId === USERS[1]),
          "lexical hits are the queried user's",
        );
      }
      const global = await engine.denseSearch(other[3]!.vector, { k: 30 });
      assert.equal(global[0]!.record.id, other[3]!.id, "global search finds the record itself first");
      assert.ok(new Set(global.map((h) => h.record.userId)).size > 1, "global search covers several users");
      assert.deepEqual(
        global.map((h) => h.record.id),
        exactTopK(other[3]!.vector, records, 30)
          .map((x) => x.id)
          .slice(0, global.length)
          .filter((id) => global.some((h) => h.record.id === id)),
      );
    });

    it("excludeIds leaves those ids out and still returns k hits", async () => {
      const mine = ofUser(USERS[2]!);
      const query = mine[0]!.vector;
      const truth = exactTopK(query, mine, 13).map((x) => x.id);
      const exclude = new Set(truth.slice(0, 3));
      const hits = await engine.denseSearch(query, { userId: USERS[2]!, k: 10, excludeIds: exclude });
      assert.deepEqual(
        hits.map((h) => h.record.id),
        truth.slice(3, 13),
      );
      const lexical = await engine.lexicalSearch(mine[0]!.content, {
        userId: USERS[2]!,
        k: 10,
        excludeIds: new Set([mine[0]!.id]),
      });
      assert.ok(!lexical.some((h) => h.record.id === mine[0]!.id));
    });

    it("lexical search finds exact words and ranks rarer terms higher; punctuation is harmless", async () => {
      const u = 910010;
      const rand = prng(3);
      const docs: Stored[] = Array.from({ length: 25 }, (_, i) => ({
        id: `lex-${i}`,
        userId: u,
        role: "user",
        ts: 1_700_000_000_000 + i,
        vector: randomUnit(rand, DIMS),
        content: i === 7 ? "We talked about a zebra at the zoo today" : `I drank coffee this morning with friends ${i}`,
      }));
      docs.push({
        id: "lex-pine",
        userId: u,
        role: "user",
        ts: 1_700_000_000_100,
        vector: randomUnit(rand, DIMS),
        content: "Grandma's pineapple cake recipe, finally!",
      });
      await writeAll(redis, writer, docs);
      const rare = await engine.lexicalSearch("coffee zebra", { userId: u, k: 5 });
      assert.equal(rare[0]?.record.id, "lex-7", "the rare term outranks the common one");
      assert.ok(rare.slice(1).every((h) => h.record.content.includes("coffee")));
      assert.ok(rare[0]!.score > rare[1]!.score && rare[1]!.score > 0);
      const exact = await engine.lexicalSearch("pineapple", { userId: u, k: 5 });
      assert.deepEqual(
        exact.map((h) => h.record.id),
        ["lex-pine"],
      );
      const punct = await engine.lexicalSearch(`"(pineapple)!" @user:{1} | -coffee* [x] ~y %z% $B \\ ' ; => {}`, {
        userId: u,
        k: 30,
      });
      assert.ok(punct.some((h) => h.record.id === "lex-pine"));
      assert.ok(punct.every((h) => h.record.userId === u));
      assert.deepEqual(
        await engine.lexicalSearch("the of and", { userId: u, k: 5 }),
        [],
        "stopwords alone match nothing",
      );
      await engine.deleteUser(u);
    });

    it("ids, content and meta with query/tag special characters round-trip", async () => {
      const u = 910020;
      const rand = prng(11);
      const weird = `a:b{c}|d-e@f.g h*?[x]"q'\\z`;
      const rec: Stored = {
        id: weird,
        userId: u,
        role: "assistant",
        ts: 1_700_000_000_000,
        vector: randomUnit(rand, DIMS),
        content: `@user:{${USERS[0]}} | -foo "bar" => [KNN 5 @vec $B] ünïcödé 日本語 kangaroo`,
        meta: { "dia{id}": "D1:3|x", note: `"@*{}"` },
      };
      await writeAll(redis, writer, [rec]);
      const dense = await engine.denseSearch(rec.vector, { userId: u, k: 3 });
      assert.equal(dense.length, 1);
      assert.deepEqual(
        { ...dense[0]!.record },
        { id: rec.id, userId: u, role: rec.role, content: rec.content, ts: rec.ts, meta: rec.meta },
      );
      const lexical = await engine.lexicalSearch("kangaroo", { userId: u, k: 3 });
      assert.equal(lexical[0]?.record.id, weird);
      const excluded = await engine.denseSearch(rec.vector, { userId: u, k: 3, excludeIds: new Set([weird]) });
      assert.equal(excluded.length, 0);
      assert.equal((await engine.list(u, { offset: 0, limit: 5 })).records[0]?.id, weird);
      assert.equal(await engine.count(u), 1);
      await engine.deleteUser(u);
      assert.equal(await engine.count(u), 0);
    });

    it("count, list (newest first, paged, with vectors) and deleteUser removes every key of the user", async () => {
      const u = USERS[1]!;
      const mine = ofUser(u);
      assert.equal(await engine.count(u), PER_USER);
      assert.ok((await engine.count()) >= records.length);
      const page = await engine.list(u, { offset: 5, limit: 10, withVectors: true });
      assert.equal(page.total, PER_USER);
      const expected = [...mine].sort((a, b) => b.ts - a.ts).slice(5, 15);
      assert.deepEqual(
        page.records.map((r) => r.id),
        expected.map((r) => r.id),
      );
      page.records.forEach((r, i) =>
        assert.ok(r.vector && cosine(r.vector, expected[i]!.vector) > 0.999, "vector comes back"),
      );
      assert.ok(userKeys(await keysWithPrefix(redis, prefix), u).length > 0, "the user has keys before");
      // the budget trim's listing: the n oldest ids, oldest first (the newest-first listing's tail, reversed)
      const oldest = [...mine].sort((a, b) => a.ts - b.ts);
      assert.deepEqual(
        await engine.oldestIds(u, 7),
        oldest.slice(0, 7).map((r) => r.id),
      );
      assert.deepEqual(
        await engine.oldestIds(u, PER_USER + 10),
        oldest.map((r) => r.id),
        "asking for more than there are returns all",
      );
      assert.deepEqual(await engine.oldestIds(u, 0), []);

      await engine.deleteUser(u);
      assert.equal(await engine.count(u), 0);
      assert.deepEqual(userKeys(await keysWithPrefix(redis, prefix), u), [], "no key of the user is left");
      assert.equal((await engine.denseSearch(mine[0]!.vector, { userId: u, k: 5 })).length, 0);
      assert.equal(await engine.count(USERS[0]!), PER_USER, "other users keep theirs");
      await writeAll(redis, writer, mine); // restore for later tests
    });

    it("ensureIndex refuses an existing index built with other dims or another embedder (memory:reindex)", async () => {
      for (const change of [{ dims: DIMS + 8 }, { embedderId: "openai:text-embedding-3-small" }]) {
        const other = createEngine(t.engine, { ...ctx, ...change });
        await assert.rejects(other.ensureIndex(), (e: unknown) => {
          assert.ok(isAppError(e, "config:vector"), `config:vector, got ${String(e)}`);
          assert.match((e as Error).message, /memory:reindex/);
          return true;
        });
      }
      await engine.ensureIndex(); // same settings: reused quietly
    });

    it("long-term TTL: keys written get the TTL; ttlSeconds 0 means no expiry", async () => {
      const rand = prng(5);
      const withTtl = createEngine(t.engine, { ...ctx, ttlSeconds: 3600 });
      await writeAll(redis, withTtl, [
        { id: "ttl-1", userId: 910030, role: "user", ts: 1, content: "ttl test", vector: randomUnit(rand, DIMS) },
      ]);
      const keys = userKeys(await keysWithPrefix(redis, prefix), 910030);
      assert.ok(keys.length > 0);
      for (const k of keys) {
        const ttl = await redis.ttl(k);
        assert.ok(ttl > 3500 && ttl <= 3600, `${k} ttl ${ttl}`);
      }
      for (const k of userKeys(await keysWithPrefix(redis, prefix), USERS[0]!))
        assert.equal(await redis.ttl(k), -1, `${k} has no expiry`);
      await withTtl.deleteUser(910030);
    });

    it(
      "encodings: recall@10 vs the float32 exact ranking and bytes per message",
      { skip: t.cache !== undefined && t.cache !== "warm" && "once per server is enough" },
      async () => {
        const n = 1000;
        const rand = prng(99);
        const vectors = clusteredVectors(rand, n, DIMS, { clusters: 20 });
        const recs: Stored[] = vectors.map((vector, i) => ({
          id: `e${i}`,
          userId: 910040,
          role: "user",
          ts: i,
          content: sentence(rand, 16),
          vector,
        }));
        const queries = Array.from({ length: 40 }, (_, i) =>
          i % 2 ? randomUnit(rand, DIMS) : vectors[i * 7]!.map((x) => x + (rand() - 0.5) * 0.05),
        );
        const floors: Record<VectorEncoding, number> = { float32: 0.95, float16: 0.95, int8: 0.9 };
        const lines: string[] = [];
        for (const encoding of ["float32", "float16", "int8"] as VectorEncoding[]) {
          const p = uniquePrefix(`enc-${t.engine}`);
          const e = createEngine(t.engine, { ...ctx, keys: memoryKeys(p), encoding });
          try {
            try {
              await e.ensureIndex();
            } catch (err) {
              assert.ok(
                isAppError(err, "config:vector") && err.message.includes(encoding),
                `unsupported encoding must say so: ${String(err)}`,
              );
              lines.push(`${t.label} ${encoding}: not supported (${(err as Error).message.slice(0, 80)}…)`);
              continue;
            }
            await writeAll(redis, e, recs);
            let recall = 0;
            for (const q of queries) {
              const truth = exactTopK(q, recs, 10).map((x) => x.id);
              const hits = await e.denseSearch(q, { userId: 910040, k: 10 });
              recall += recallAt(
                hits.map((h) => h.record.id),
                truth,
              );
            }
            recall /= queries.length;
            const bytes = await bytesPerMessage(redis, p, t.engine, n);
            lines.push(
              `${t.label} ${encoding}: recall@10 ${recall.toFixed(3)}, ${Math.round(bytes)} bytes/message (384 dims, ~100-char text)`,
            );
            assert.ok(recall >= floors[encoding], `${encoding} recall@10 ${recall} < ${floors[encoding]}`);
            if (t.engine === "scan" && encoding === "int8")
              assert.ok(bytes <= 1024, `scan int8 should stay ≤ 1 KB/message, got ${bytes}`);
          } finally {
            await e.dropAll();
            await deletePrefix(redis, p);
          }
        }
        console.log(lines.join("\n"));
      },
    );
  });
}
