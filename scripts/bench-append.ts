/**
 * npx tsx scripts/bench-append.ts --server NAME=URL [--server …] [--n 2000] [--json FILE]
 *
 * appendMessage latency (p50/p99, sequential, one caller) against PING on the same connection,
 * interleaved sample by sample so load from other processes hits both alike. The embedder is a
 * constant lookup (precomputed unit vectors), so what is measured is the write path: input
 * checks, building the write, one round trip, the server's work. Keys go under a unique prefix
 * and are deleted afterwards. Runs against whatever code is checked out, so the same script
 * measures "before" (a checkout of main) and "after".
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { EmbeddingProvider } from "@/lib/embeddings";
import { createMemory, createMemoryContext, type CreateMemoryOptions } from "@/lib/memory";
import { createRedisClient } from "@/lib/redis/client";
import { probeRedis } from "@/lib/redis/probe";
import { deleteMatching, prefixPattern } from "@/lib/redis/scan";
import { chooseEngine } from "@/lib/memory/engines/choose";
import { summarize } from "../bench/lib/stats";

const { values: args } = parseArgs({
  options: {
    server: { type: "string", multiple: true },
    n: { type: "string", default: "2000" },
    json: { type: "string" },
  },
});
const N = Number(args.n);
const DIMS = 384;

function constantEmbedder(): EmbeddingProvider {
  const bank = Array.from({ length: 64 }, () => {
    const v = Float32Array.from({ length: DIMS }, () => Math.random() - 0.5);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  });
  let i = 0;
  return {
    id: "bench:constant",
    dims: DIMS,
    embed: async (texts: string[]) => texts.map(() => bank[i++ % bank.length]!),
    status: () => ({ provider: "local" as const, model: "constant", dims: DIMS, loaded: true }),
    warmUp: async () => undefined,
  } as unknown as EmbeddingProvider;
}

const text = (i: number) =>
  `message ${i}: we talked about the trip to the mountains, the weather and what to cook on friday`;

async function measure(name: string, url: string) {
  const redis = createRedisClient({ url, name: "mindmate-bench-append" });
  await redis.ping();
  const engine = chooseEngine(await probeRedis(redis), "auto");
  const prefix = `bench:append:${randomUUID().slice(0, 8)}:`;
  const opts: CreateMemoryOptions = {
    redis,
    prefix,
    engine,
    embedder: constantEmbedder(),
    historyMax: 100,
    ttlDays: 30,
    longTermTtlDays: 30,
    maxMessageChars: 16_000,
    encoding: "float32",
    algorithm: "HNSW",
    journal: { max: 1000 },
  };
  const memory = createMemory(opts);
  await memory.init();
  const ping: number[] = [];
  const append: number[] = [];
  try {
    for (let i = 0; i < 200; i++)
      await memory.appendMessage({ userId: 1 + (i % 50), role: i % 2 ? "assistant" : "user", content: text(i) });
    for (let i = 0; i < N; i++) {
      let t = performance.now();
      await redis.ping();
      ping.push(performance.now() - t);
      t = performance.now();
      await memory.appendMessage({
        userId: 1 + (i % 50),
        role: i % 2 ? "assistant" : "user",
        content: text(i),
        ...(i % 2 ? { usage: { promptTokens: 10, completionTokens: 20 } } : {}),
      });
      append.push(performance.now() - t);
    }
  } finally {
    memory.close();
    await createMemoryContext(opts).engine.dropAll();
    await deleteMatching(redis, prefixPattern(prefix));
    redis.disconnect();
  }
  const p = summarize(ping);
  const a = summarize(append);
  return {
    name,
    engine,
    ping: { p50: p.p50, p99: p.p99 },
    append: { p50: a.p50, p99: a.p99 },
    ratioP99: a.p99 / p.p99,
  };
}

async function main() {
  const results = [];
  for (const spec of args.server ?? []) {
    const [name, url] = spec.includes("=") ? (spec.split(/=(.*)/s) as [string, string]) : [spec, spec];
    const r = await measure(name, url);
    results.push(r);
    console.log(
      `${r.name.padEnd(12)} ${r.engine.padEnd(10)} PING p50/p99 ${r.ping.p50.toFixed(3)}/${r.ping.p99.toFixed(3)} ms   append p50/p99 ${r.append.p50.toFixed(3)}/${r.append.p99.toFixed(3)} ms   append p99 / PING p99 = ${r.ratioP99.toFixed(2)}`,
    );
  }
  if (args.json) writeFileSync(args.json, JSON.stringify({ n: N, results }, null, 2));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
