/**
 * npm run eval:profile -- --data DIR [--only conv-26] [--every 4] [--json FILE]
 *
 * Optional LoCoMo check of the user profile (scripts/locomo/profile-check.ts): replays each
 * conversation with profile extraction on the bot's schedule and reports how many questions'
 * evidence the profile captured. It calls the configured chat model (OPENAI_API_KEY,
 * OPENAI_BASE_URL, DEFAULT_MODEL) about once per `--every` user turns — thousands of calls for
 * the 7 conversations, so it is not part of CI. Writes under a unique prefix of REDIS_URL and
 * removes it afterwards.
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { createOpenAiLlm } from "@/lib/chat/llm";
import { loadConfig } from "@/lib/config";
import { createEmbedder } from "@/lib/embeddings";
import { createMemory, createMemoryContext, type CreateMemoryOptions } from "@/lib/memory";
import { deleteMatching, prefixPattern } from "@/lib/redis/scan";
import { createRedisClient } from "@/lib/redis/client";
import { probeRedis } from "@/lib/redis/probe";
import { chooseEngine } from "@/lib/memory/engines/choose";
import { loadConversations } from "./locomo/dataset";
import { runProfileCheck } from "./locomo/profile-check";

const argsSchema = z.object({
  data: z.string({ error: "--data DIR is required (e.g. ../shared/datasets/locomo)" }).min(1),
  only: z.string().optional(),
  every: z.coerce.number().int().min(1).max(1000).optional(),
  json: z.string().optional(),
});

async function main() {
  const { values } = parseArgs({
    options: {
      data: { type: "string" },
      only: { type: "string" },
      every: { type: "string" },
      json: { type: "string" },
    },
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n"));
    process.exit(2);
  }
  const config = loadConfig(process.env);
  if (!config.llm.apiKey) {
    console.error(
      "eval:profile needs a real chat model: set OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server).",
    );
    process.exit(2);
  }
  const conversations = loadConversations(parsed.data.data, parsed.data.only?.split(","));
  const redis = createRedisClient({ url: config.redis.url, commandTimeoutMs: 120_000, name: "mindmate-eval-profile" });
  const prefix = `eval:profile:${randomUUID().slice(0, 8)}:`;
  const embedder = createEmbedder(config.embedding);
  const opts: CreateMemoryOptions = {
    redis,
    prefix,
    engine: chooseEngine(await probeRedis(redis), config.vector.engine),
    embedder,
    historyMax: 200,
    ttlDays: 1,
    longTermTtlDays: 0,
    maxMessageChars: 16000,
    encoding: config.vector.encoding,
    algorithm: config.vector.algorithm,
  };
  const memory = createMemory(opts);
  try {
    await memory.init();
    const result = await runProfileCheck({
      memory,
      llm: createOpenAiLlm(config.llm),
      model: config.llm.defaultModel,
      everyTurns: parsed.data.every ?? config.profile.everyTurns,
      conversations,
      progress: (l) => console.error(l),
    });
    console.log(JSON.stringify(result, null, 2));
    if (parsed.data.json) writeFileSync(parsed.data.json, JSON.stringify({ profile: result }, null, 2));
  } finally {
    await createMemoryContext(opts)
      .engine.dropAll()
      .catch(() => undefined);
    await deleteMatching(redis, prefixPattern(prefix)).catch(() => undefined);
    memory.close();
    redis.disconnect();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
