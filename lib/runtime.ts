import type { Redis } from "./redis/client";
import { getConfig, type Config } from "./config";
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
 * Process-wide singletons: one Redis connection, one embedding model, one probe result.
 * Created lazily so importing a module never connects anything (Next.js imports route
 * modules at build time).
 */
export interface Runtime {
  config: Config;
  redis: Redis;
  embedder: EmbeddingProvider;
  /** Probes once; if Redis was down, the next call probes again. */
  probe(): Promise<ProbeResult>;
}

export function createRuntime(config: Config): Runtime {
  const redis = createRedisClient({
    url: config.redis.url,
    connectTimeoutMs: config.redis.connectTimeoutMs,
    commandTimeoutMs: config.redis.commandTimeoutMs,
  });
  const embedder = createEmbedder(config.embedding);
  let probing: Promise<ProbeResult> | undefined;

  async function doProbe(): Promise<ProbeResult> {
    let capabilities: RedisCapabilities;
    try {
      capabilities = await probeRedis(redis);
    } catch (cause) {
      throw new AppError("unavailable:redis", `Redis at ${redactUrl(config.redis.url)} is unreachable: ${connectionProblem(redis) ?? (cause as Error).message}`, { cause });
    }
    const engine = chooseEngine(capabilities, config.vector.engine);
    log.info(`redis ${capabilities.serverKind} ${capabilities.version}: search=${capabilities.search.available} vectorsets=${capabilities.vectorSets} json=${capabilities.json.available} → engine ${engine}`);
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

const globalForRuntime = globalThis as unknown as { __mindmateRuntime?: Runtime };

/** The app's runtime (kept on globalThis so dev hot reloads do not open new connections). */
export function getRuntime(): Runtime {
  globalForRuntime.__mindmateRuntime ??= createRuntime(getConfig());
  return globalForRuntime.__mindmateRuntime;
}
