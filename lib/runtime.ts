import type { Redis } from "./redis/client";
import type { Config } from "./config";
import { createEmbedder, type EmbeddingProvider } from "./embeddings";
import { AppError } from "./errors";
import { logger } from "./log";
import { connectionProblem, createRedisClient, redactUrl } from "./redis/client";
import { probeRedis, type RedisCapabilities } from "./redis/probe";
import { chooseEngine, type VectorEngineName } from "./memory/engines/choose";

const log = logger("runtime");

export interface ProbeResult {
  capabilities: RedisCapabilities;
  engine: VectorEngineName;
}

/**
 * The connection, the embedding model and the probe result of one app (lib/app creates one per
 * process). The probe runs on first use, so creating a runtime connects nothing but the client.
 */
export interface Runtime {
  config: Config;
  redis: Redis;
  embedder: EmbeddingProvider;
  /** Probes once; if Redis was down, the next call probes again. */
  probe(): Promise<ProbeResult>;
}

/** The connection and the model for `config`; tests may bring their own of either. */
export function createRuntime(config: Config, parts: { redis?: Redis; embedder?: EmbeddingProvider } = {}): Runtime {
  const redis =
    parts.redis ??
    createRedisClient({
      url: config.redis.url,
      connectTimeoutMs: config.redis.connectTimeoutMs,
      commandTimeoutMs: config.redis.commandTimeoutMs,
    });
  const embedder = parts.embedder ?? createEmbedder(config.embedding);
  let probing: Promise<ProbeResult> | undefined;

  async function doProbe(): Promise<ProbeResult> {
    let capabilities: RedisCapabilities;
    try {
      capabilities = await probeRedis(redis);
    } catch (cause) {
      throw new AppError(
        "unavailable:redis",
        `Redis at ${redactUrl(config.redis.url)} is unreachable: ${connectionProblem(redis) ?? (cause as Error).message}`,
        { cause },
      );
    }
    const engine = chooseEngine(capabilities, config.vector.engine);
    log.info(
      `redis ${capabilities.serverKind} ${capabilities.version}: search=${capabilities.search.available} vectorsets=${capabilities.vectorSets} json=${capabilities.json.available} → engine ${engine}`,
    );
    return { capabilities, engine };
  }

  return {
    config,
    redis,
    embedder,
    probe() {
      probing ??= doProbe().catch((e: unknown) => {
        probing = undefined;
        throw e;
      });
      return probing;
    },
  };
}
