/**
 * npm run eval:locomo -- --data DIR [--engine auto|redisearch|vectorset|scan]
 *   [--mode dense|lexical|hybrid|all] [--k 1,5,10,20] [--only conv-26,conv-30] [--json FILE]
 *   [--cache DIR | --no-cache] [--context on|off]
 *
 * LoCoMo retrieval benchmark of the memory layer against REDIS_URL (embedding model and vector
 * settings from the usual env, see lib/config.ts). Writes under a unique key prefix and removes
 * it afterwards. Reference: plain BM25 over turn text gives recall@10 ≈ 0.595 on the 7 files.
 * Vectors are cached on disk (default $TMPDIR/mindmate-locomo-vectors, keyed by model + exact
 * text) so reruns (other engines, fusion changes) skip the model; --no-cache measures ingest CPU.
 */
import { tmpdir } from "node:os";
import path from "node:path";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { loadConfig } from "@/lib/config";
import { createEmbedder } from "@/lib/embeddings";
import { createRedisClient } from "@/lib/redis/client";
import { probeRedis } from "@/lib/redis/probe";
import { chooseEngine } from "@/lib/memory/engines/choose";
import { loadConversations } from "./locomo/dataset";
import { withDiskCache } from "./locomo/embed-cache";
import { formatTable, runLocomoEval } from "./locomo/run";

const argsSchema = z.object({
  data: z.string({ error: "--data DIR is required (e.g. ../shared/datasets/locomo)" }).min(1),
  engine: z.enum(["auto", "redisearch", "vectorset", "scan"]).default("auto"),
  mode: z.enum(["dense", "lexical", "hybrid", "all"]).default("all"),
  k: z
    .string()
    .default("1,5,10,20")
    .transform((s) => s.split(",").map((x) => Number(x.trim())))
    .pipe(z.array(z.number().int().min(1).max(100)).min(1)),
  only: z.string().optional(),
  json: z.string().optional(),
  cache: z.string().default(path.join(tmpdir(), "mindmate-locomo-vectors")),
  "no-cache": z.boolean().default(false),
  context: z.enum(["on", "off"]).default("on"),
});

async function main() {
  const { values } = parseArgs({
    options: {
      data: { type: "string" },
      engine: { type: "string" },
      mode: { type: "string" },
      k: { type: "string" },
      only: { type: "string" },
      json: { type: "string" },
      cache: { type: "string" },
      "no-cache": { type: "boolean" },
      context: { type: "string" },
    },
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n"));
    process.exit(2);
  }
  const a = parsed.data;
  const config = loadConfig(process.env);
  const conversations = loadConversations(a.data, a.only?.split(","));
  if (conversations.length === 0) throw new Error(`no LoCoMo *.json files in ${a.data}`);

  const redis = createRedisClient({ url: config.redis.url, commandTimeoutMs: 120_000, name: "mindmate-eval" });
  try {
    const engine = chooseEngine(await probeRedis(redis), a.engine);
    const model = createEmbedder(config.embedding);
    const embedder = a["no-cache"] ? model : withDiskCache(model, a.cache);
    await embedder.warmUp();
    const result = await runLocomoEval({
      redis,
      engine,
      embedder,
      conversations,
      encoding: config.vector.encoding,
      algorithm: config.vector.algorithm,
      context: a.context === "on",
      modes: a.mode === "all" ? ["dense", "lexical", "hybrid"] : [a.mode],
      ks: a.k,
      progress: (line) => console.error(line),
    });
    console.log(formatTable(result, a.k));
    if (a.json) {
      const out: Record<string, unknown> = {
        engine: result.engine,
        model: result.model,
        ingest_per_s: result.ingest_per_s,
        ingest_cpu_ms_per_turn: result.ingest_cpu_ms_per_turn,
        turns: result.turns,
      };
      for (const [mode, m] of Object.entries(result.modes))
        out[mode] = {
          ...m.recall,
          n: m.n,
          query_p50_ms: m.query_p50_ms,
          query_p95_ms: m.query_p95_ms,
          byCategory: m.byCategory,
          perConversation: m.perConversation,
          byConversation: m.byConversation,
        };
      writeFileSync(a.json, JSON.stringify(out, null, 2) + "\n");
      console.error(`wrote ${a.json}`);
    }
  } finally {
    redis.disconnect();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
