import type { Redis } from "ioredis";
import type { EmbeddingProvider } from "@/lib/embeddings";
import { createMemory } from "@/lib/memory";
import { bindMetricsSink, METRIC_OPS, recordLatency, type MetricOp } from "@/lib/metrics";
import type { VectorEngineName } from "@/lib/memory/engines/choose";
import { deleteBenchPrefix } from "../lib/cleanup";
import type { BenchContext } from "../lib/context";
import { conversation } from "../lib/corpus";
import { summarize, type LatencySummary } from "../lib/stats";

/**
 * Append with and without latency recording (the app's metrics hook: recordLatency into a
 * buffer flushed to Redis once a second). The two variants alternate call by call on the same
 * connection, so drift in the machine's load hits both equally.
 */
export async function measureOverhead(
  ctx: BenchContext,
  o: { redis: Redis; engine: VectorEngineName; embedder: EmbeddingProvider; prefix: string },
): Promise<{ without: LatencySummary; with: LatencySummary }> {
  const tracked = new Set<string>(METRIC_OPS);
  bindMetricsSink({ redis: o.redis, prefix: `${o.prefix}metrics:` });
  const base = {
    redis: o.redis,
    engine: o.engine,
    embedder: o.embedder,
    historyMax: 100,
    ttlDays: 30,
    longTermTtlDays: 30,
    maxMessageChars: 16000,
    encoding: "float32" as const,
    algorithm: "HNSW" as const,
  };
  const plain = createMemory({ ...base, prefix: `${o.prefix}plain:` });
  const metered = createMemory({
    ...base,
    prefix: `${o.prefix}metered:`,
    metrics: { observe: (op, ms) => tracked.has(op) && recordLatency(op as MetricOp, ms) },
  });
  await plain.init();
  await metered.init();
  const n = ctx.sizes.iterations * 2;
  const msgs = conversation(n, 31);
  ctx.bank.precompute(msgs.map((m) => m.content));
  const a: number[] = [];
  const b: number[] = [];
  try {
    for (let i = -100; i < n; i++) {
      const m = msgs[Math.abs(i) % n]!;
      const [mem, into] = i % 2 === 0 ? [plain, a] : [metered, b];
      const t0 = performance.now();
      await mem.appendMessage({ userId: 4_000_000 + (Math.abs(i) % 50), role: m.role, content: m.content });
      if (i >= 0) into.push(performance.now() - t0);
    }
    return { without: summarize(a), with: summarize(b) };
  } finally {
    bindMetricsSink(undefined);
    plain.close();
    metered.close();
    ctx.bank.clear();
    await deleteBenchPrefix(o.redis, o.prefix);
  }
}
