import type { Redis } from "ioredis";
import type { EmbeddingProvider } from "@/lib/embeddings";
import { createMemory } from "@/lib/memory";
import type { VectorEncoding } from "@/lib/memory/engines/types";
import type { RecallMode } from "@/lib/memory/types";
import type { VectorEngineName } from "@/lib/memory/engines/choose";
import { deleteBenchPrefix } from "../lib/cleanup";
import type { BenchContext } from "../lib/context";
import { conversation, queries } from "../lib/corpus";
import { pool, run, type RunResult } from "../lib/runner";

export interface StorageCase {
  /** "1 user × 10,000" or "1,000 users × 100". */
  scope: string;
  memories: number;
  op: string;
  c1?: RunResult;
  c32?: RunResult;
  /** Why c32 (or the case) was not measured. */
  skipped?: string;
  /** "real model" when every recall embedded its query with the real model (dense, hybrid). */
  embedding?: string;
}

export interface StorageResults {
  engine: VectorEngineName;
  cases: StorageCase[];
  /** Bulk-load rate with 32 appends in flight (not a target, context for the long cases). */
  loadRates: { scope: string; appendsPerSec: number }[];
  /** recall incl. embedding the query with the real model, 1 user × 10k (or the largest quick size). */
  withEmbedding: { scope: string; mode: RecallMode; result: RunResult }[];
  /** The engine's in-process recall cache after the one-user cases (scan, vector sets). */
  recallCache: {
    scope: string;
    memories: number;
    bytes: number;
    bytesPer10k: number;
    stats: Record<string, unknown>;
  }[];
}

const USER = 1_000_001;
const spreadUser = (i: number) => 2_000_000 + i;
/** A single-stream c1 recall slower than this makes 32 in flight pointless (and memory-hungry for scan). */
const C32_LIMIT_MS = 400;

export interface StorageOptions {
  redis: Redis;
  prefix: string;
  engine: VectorEngineName;
  encoding?: VectorEncoding;
  /** Answers embeddings from the precomputed bank; `live` switches queries to the real model. */
  embedder: EmbeddingProvider & { live?: boolean };
  hasLiveModel: boolean;
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * Storage ops through the real facade (createMemory) with precomputed vectors: append,
 * history(50) and recall k=10 (dense / lexical / hybrid) for one user growing to each size,
 * then for many users sharing the total. Each case at concurrency 1 and 32.
 */
export async function measureStorage(ctx: BenchContext, o: StorageOptions): Promise<StorageResults> {
  const { sizes, bank } = ctx;
  const memory = createMemory({
    redis: o.redis,
    prefix: o.prefix,
    engine: o.engine,
    embedder: o.embedder,
    historyMax: 100,
    ttlDays: 30,
    longTermTtlDays: 30,
    maxMessageChars: 16000,
    encoding: o.encoding ?? "float32",
    algorithm: "HNSW",
  });
  await memory.init();
  const out: StorageResults = { engine: o.engine, cases: [], loadRates: [], withEmbedding: [], recallCache: [] };
  const qs = queries(200, 5);
  bank.precompute(qs);

  async function bulkLoad(scope: string, count: number, userOf: (i: number) => number, seed: number) {
    const msgs = conversation(count, seed);
    const t0 = performance.now();
    let done = 0;
    await pool(msgs, 32, async (m, i) => {
      await memory.appendMessage({ userId: userOf(i), role: m.role, content: m.content });
      if (++done % 20_000 === 0) ctx.log(`    loaded ${fmt(done)}/${fmt(count)}`);
    });
    out.loadRates.push({ scope, appendsPerSec: (count / (performance.now() - t0)) * 1000 });
  }

  async function measureCase(
    scope: string,
    memories: number,
    op: string,
    fn: (i: number) => Promise<unknown>,
    iterations = sizes.iterations,
  ) {
    const c: StorageCase = { scope, memories, op };
    const live =
      o.hasLiveModel && op.startsWith("recall") && !op.startsWith("recall lexical") && !op.includes("precomputed");
    if (live) c.embedding = "real model";
    o.embedder.live = live;
    c.c1 = await run(fn, { iterations, concurrency: 1, maxMs: sizes.caseMaxMs });
    if (op.startsWith("recall") && c.c1.p50 > C32_LIMIT_MS) {
      c.skipped = `c32 not run: one query alone takes ${Math.round(c.c1.p50)} ms (p50)`;
    } else {
      c.c32 = await run(fn, { iterations, concurrency: 32, maxMs: sizes.caseMaxMs });
    }
    o.embedder.live = false;
    out.cases.push(c);
    ctx.log(
      `    ${scope} ${op}: c1 p50 ${c.c1.p50.toFixed(3)} p99 ${c.c1.p99.toFixed(3)} ms` +
        (c.c32 ? `, c32 ${Math.round(c.c32.opsPerSec)} ops/s` : ` (${c.skipped})`),
    );
  }

  async function measureOps(
    scope: string,
    memories: number,
    userOf: (i: number) => number,
    seed: number,
    withEmbedding?: () => Promise<void>,
  ) {
    await measureCase(scope, memories, "history(50)", (i) => memory.getHistory(userOf(Math.max(0, i)), 50));
    for (const mode of ["dense", "lexical", "hybrid"] as const) {
      await measureCase(scope, memories, `recall ${mode} k=10`, (i) =>
        memory.recall({
          userId: userOf(Math.max(0, i)),
          query: qs[Math.abs(i) % qs.length]!,
          k: 10,
          mode,
          minScore: 0,
        }),
      );
    }
    if (o.hasLiveModel) {
      // the storage side alone (the model on 2 busy cores dominates the cases above)
      for (const mode of ["dense", "hybrid"] as const) {
        await measureCase(scope, memories, `recall ${mode} k=10, query vector precomputed`, (i) =>
          memory.recall({
            userId: userOf(Math.max(0, i)),
            query: qs[Math.abs(i) % qs.length]!,
            k: 10,
            mode,
            minScore: 0,
          }),
        );
      }
    }
    if (withEmbedding) await withEmbedding();
    // Last: appends add memories, and the searches above must see exactly `memories`.
    const appendMsgs = conversation(sizes.iterations + 200, seed);
    bank.precompute(appendMsgs.map((m) => m.content));
    let k = 0;
    await measureCase(scope, memories, "append", () => {
      const m = appendMsgs[k++ % appendMsgs.length]!;
      return memory.appendMessage({ userId: userOf(k), role: m.role, content: m.content });
    });
  }

  try {
    let loaded = 0;
    for (const size of sizes.perUser) {
      const scope = `1 user × ${fmt(size)}`;
      ctx.log(`  ${o.engine}: loading ${scope}`);
      await bulkLoad(scope, size - loaded, () => USER, 1000 + size);
      loaded = size;
      // recall cases embed their queries with the real model already: copy them for the summary table
      await measureOps(
        scope,
        size,
        () => USER,
        2000 + size,
        async () => {
          if (o.hasLiveModel)
            for (const mode of ["dense", "hybrid"] as const) {
              const c = out.cases.find((x) => x.scope === scope && x.op === `recall ${mode} k=10`);
              if (c?.c1) out.withEmbedding.push({ scope, mode, result: c.c1 });
            }
          const cache = (await memory.stats()).index.recallCache as { bytes: number; memories: number } | undefined;
          if (cache?.memories)
            out.recallCache.push({
              scope,
              memories: cache.memories,
              bytes: cache.bytes,
              bytesPer10k: Math.round((cache.bytes / cache.memories) * 10_000),
              stats: cache,
            });
        },
      );
      loaded = (await memory.listMemories(USER, { limit: 1 })).total; // the measured appends landed here too
      bank.clear();
      bank.precompute(qs);
    }
    // Many users: the same total spread evenly, so every user's own searches are small.
    if (sizes.spreadTotal <= 0) return out;
    const per = Math.round(sizes.spreadTotal / sizes.spreadUsers);
    const scope = `${fmt(sizes.spreadUsers)} users × ${fmt(per)}`;
    ctx.log(`  ${o.engine}: loading ${scope}`);
    await bulkLoad(scope, sizes.spreadTotal, (i) => spreadUser(i % sizes.spreadUsers), 4242);
    await measureOps(scope, sizes.spreadTotal, (i) => spreadUser(Math.abs(i * 7919) % sizes.spreadUsers), 4343);
    return out;
  } finally {
    bank.clear();
    memory.close();
    await deleteBenchPrefix(o.redis, o.prefix);
  }
}
