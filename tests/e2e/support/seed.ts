import { Redis } from "ioredis";
import { createLocalEmbedder } from "@/lib/embeddings/local";
import { createMemory, createMemoryContext, type CreateMemoryOptions } from "@/lib/memory";
import { bindMetricsSink, flushMetrics, recordLatency } from "@/lib/metrics";
import { probeRedis } from "@/lib/redis/probe";
import { chooseEngine } from "@/lib/memory/engines/choose";
import { deletePrefix } from "../../helpers/servers";
import { at, CONVERSATIONS, PLAY } from "./seed-data";
import { seedMedia } from "./seed-media";

/**
 * Seeds the e2e Redis through the real memory layer (real MiniLM embeddings, the engine the
 * server supports), so the dashboard reads exactly what the bot would have written. The seed's
 * own operation timings go into the latency metrics like the app's would.
 */
function options(
  redis: Redis,
  prefix: string,
  engine: CreateMemoryOptions["engine"],
  modelDir: string,
): CreateMemoryOptions {
  return {
    redis,
    prefix,
    engine,
    embedder: createLocalEmbedder({
      model: "Xenova/all-MiniLM-L6-v2",
      modelDir,
      cacheDir: "/tmp/mindmate-test-cache",
      dtype: "fp32",
    }),
    historyMax: 100,
    ttlDays: 30,
    longTermTtlDays: 30,
    maxMessageChars: 16000,
    encoding: "float32",
    algorithm: "HNSW",
  };
}

/** Drops the seed's vector index (RediSearch keeps one per prefix) and every key under the prefix. */
export async function dropSeed(opts: { redisUrl: string; prefix: string; modelDir: string }): Promise<void> {
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const engine = chooseEngine(await probeRedis(redis), "auto");
    await createMemoryContext(options(redis, opts.prefix, engine, opts.modelDir)).engine.dropAll();
    await deletePrefix(redis, opts.prefix);
  } finally {
    redis.disconnect();
  }
}

export async function seed(opts: {
  redisUrl: string;
  prefix: string;
  modelDir: string;
}): Promise<{ engine: string; messages: number }> {
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const engine = chooseEngine(await probeRedis(redis), "auto");
    bindMetricsSink({ redis, prefix: opts.prefix });
    const memory = createMemory({
      ...options(redis, opts.prefix, engine, opts.modelDir),
      metrics: { observe: (op, ms) => recordLatency(op, ms) },
    });
    await memory.init();
    let messages = 0;
    for (const c of CONVERSATIONS) {
      for (const [i, m] of c.messages.entries()) {
        await memory.appendMessage({
          userId: c.user.userId,
          role: m.role,
          content: m.content,
          at: at(m.daysAgo, i),
          profile: {
            firstName: c.user.firstName,
            username: "username" in c.user ? c.user.username : undefined,
            language: "en",
          },
          usage: m.role === "assistant" ? { promptTokens: 120, completionTokens: 18 } : undefined,
        });
        messages++;
      }
      await memory.updateSettings(c.user.userId, { personal: c.personal });
      await memory.getHistory(c.user.userId, 20);
      await memory.recall({ userId: c.user.userId, query: c.messages[0]!.content, k: 3, mode: "hybrid" });
    }
    // The playground user starts a new conversation: the fact is only in long-term memory, so
    // the pipeline must recall it (messages still in the prompt window are never recalled).
    await memory.clear(PLAY.userId);
    messages += await seedMedia(memory);
    memory.close();
    await flushMetrics();
    return { engine, messages };
  } finally {
    bindMetricsSink(undefined);
    redis.disconnect();
  }
}
