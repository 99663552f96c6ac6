/**
 * Approximate engines (RediSearch HNSW, vector sets) against the exact ranking on 10k
 * embedding-like vectors of one user: recall@10 ≥ 0.95 over 50 queries drawn from the same
 * distribution. The exact engines (scan, FLAT) are covered by the contract suite.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { createEngine } from "@/lib/memory/engines";
import { memoryKeys } from "@/lib/redis/keys";
import { createRedisClient } from "@/lib/redis/client";
import type { VectorEngineName } from "@/lib/memory/engines/choose";
import { deletePrefix, serverByName, uniquePrefix, type TestServer } from "../helpers/servers";
import { embeddingLike, exactTopK, prng, recallAt } from "../helpers/vectors";

const N = 10_000;
const DIMS = 384;
const QUERIES = 50;
const USER = 920001;

const targets: { label: string; server: TestServer["name"]; engine: VectorEngineName }[] = [
  { label: "redisearch HNSW", server: "redis-stack", engine: "redisearch" },
  { label: "vectorset", server: "redis8", engine: "vectorset" },
];

/** Built on first use (and once for both engines), so a skipped run costs nothing. */
let data: { items: { id: string; vector: Float32Array }[]; queries: Float32Array[]; truth: string[][] } | undefined;
function dataset() {
  if (data) return data;
  const rand = prng(2024);
  const gen = embeddingLike(rand, DIMS);
  const items = gen.vectors(N).map((vector, i) => ({ id: `r${i}`, vector }));
  const queries = Array.from({ length: QUERIES }, () => gen.sample(rand));
  data = { items, queries, truth: queries.map((q) => exactTopK(q, items, 10).map((x) => x.id)) };
  return data;
}

for (const t of targets) {
  const server = serverByName(t.server);
  describe(
    `recall@10 on 10k vectors: ${t.label}`,
    { skip: server ? false : `${t.server} server not configured (run through npm test)` },
    () => {
      let redis: Redis | undefined;
      const prefix = uniquePrefix(`r10k-${t.engine}`);
      after(async () => {
        if (!redis) return;
        await createEngine(t.engine, {
          redis,
          keys: memoryKeys(prefix),
          dims: DIMS,
          embedderId: "test",
          encoding: "float32",
          algorithm: "HNSW",
          ttlSeconds: 0,
        }).dropAll();
        await deletePrefix(redis, prefix);
        redis.disconnect();
      });

      it("reaches recall@10 ≥ 0.95 against the exact cosine ranking", async () => {
        const { items, queries, truth } = dataset();
        redis = createRedisClient({ url: server!.url, commandTimeoutMs: 120_000 });
        const engine = createEngine(t.engine, {
          redis,
          keys: memoryKeys(prefix),
          dims: DIMS,
          embedderId: "test",
          encoding: "float32",
          algorithm: "HNSW",
          ttlSeconds: 0,
        });
        await engine.ensureIndex();
        const started = performance.now();
        for (let i = 0; i < N; i += 1000) {
          const p = redis.pipeline();
          for (const it of items.slice(i, i + 1000))
            engine.write(p, { id: it.id, userId: USER, role: "user", content: `memory ${it.id}`, ts: i }, it.vector);
          const failed = ((await p.exec()) ?? []).find(([e]) => e);
          if (failed) throw failed[0];
        }
        const insertMs = performance.now() - started;
        assert.equal(await engine.count(USER), N);

        let recall = 0;
        const latencies: number[] = [];
        for (const [i, q] of queries.entries()) {
          const s = performance.now();
          const hits = await engine.denseSearch(q, { userId: USER, k: 10 });
          latencies.push(performance.now() - s);
          recall += recallAt(
            hits.map((h) => h.record.id),
            truth[i]!,
          );
        }
        recall /= QUERIES;
        latencies.sort((a, b) => a - b);
        console.log(
          `${t.label}: recall@10 ${recall.toFixed(3)} over ${QUERIES} queries; insert ${N} in ${(insertMs / 1000).toFixed(1)} s; query p50 ${latencies[QUERIES >> 1]!.toFixed(1)} ms p95 ${latencies[Math.floor(QUERIES * 0.95)]!.toFixed(1)} ms`,
        );
        assert.ok(recall >= 0.95, `recall@10 ${recall} < 0.95`);
      });
    },
  );
}
