import { createLocalEmbedder } from "@/lib/embeddings/local";
import type { EmbeddingProvider } from "@/lib/embeddings";
import { conversation, queries } from "../lib/corpus";
import { run, type RunResult } from "../lib/runner";

export interface EmbeddingResults {
  model: string;
  dtype: string;
  coldLoadMs: number;
  single: RunResult;
  batches: { size: number; sentencesPerSec: number; batchP50: number; batchP99: number; sentences: number }[];
  /** Mean characters of the batch sentences (chat messages, both roles). */
  meanChars: number;
}

/**
 * The real model in this process: cold load (first use: importing transformers.js + onnxruntime
 * and creating the session), single short-query latency, and throughput for batches of 1, 8, 32
 * realistic chat messages. Returns the loaded embedder so the vector bank can reuse it.
 */
export async function measureEmbedding(
  modelDir: string,
  opts: { queries: number; quick: boolean },
): Promise<{ results: EmbeddingResults; embedder: EmbeddingProvider }> {
  const embedder = createLocalEmbedder({
    model: "Xenova/all-MiniLM-L6-v2",
    modelDir,
    cacheDir: "/tmp/mindmate-bench-cache",
    dtype: "fp32",
  });
  const t0 = performance.now();
  await embedder.warmUp();
  const coldLoadMs = performance.now() - t0;

  const qs = queries(opts.queries, 11);
  const single = await run((i) => embedder.embed([qs[Math.max(0, i) % qs.length]!]), {
    iterations: qs.length,
    concurrency: 1,
    warmup: 10,
  });

  const msgs = conversation(opts.quick ? 64 : 1024, 99).map((m) => m.content);
  const meanChars = msgs.reduce((s, m) => s + m.length, 0) / msgs.length;
  const batches: EmbeddingResults["batches"] = [];
  for (const size of [1, 8, 32]) {
    const count = Math.floor(msgs.length / size);
    const r = await run(
      (i) => {
        const start = (Math.max(0, i) % count) * size;
        return embedder.embed(msgs.slice(start, start + size));
      },
      { iterations: count, concurrency: 1, warmup: 2, maxMs: opts.quick ? 1_500 : 20_000 },
    );
    batches.push({
      size,
      sentencesPerSec: r.opsPerSec * size,
      batchP50: r.p50,
      batchP99: r.p99,
      sentences: r.n * size,
    });
  }
  return { results: { model: embedder.id, dtype: "fp32", coldLoadMs, single, batches, meanChars }, embedder };
}
