import { AppError } from "../../errors";
import type { RedisCapabilities } from "../../redis/probe";

/** The vector engines (engines/README in lib/memory/README.md "Engines"). */
export type VectorEngineName = "redisearch" | "vectorset" | "scan";

/** Best engine the server supports, or the forced one if the server has it. */
export function chooseEngine(caps: RedisCapabilities, requested: "auto" | VectorEngineName): VectorEngineName {
  const supported: Record<VectorEngineName, boolean> = {
    redisearch: caps.search.available,
    vectorset: caps.vectorSets,
    scan: true,
  };
  if (requested !== "auto") {
    if (!supported[requested]) {
      const need =
        requested === "redisearch"
          ? "the search module (FT.*: Redis Stack, Redis Cloud, Redis 8 with search)"
          : "vector sets (VADD/VSIM: Redis 8+)";
      throw new AppError(
        "config:vector",
        `VECTOR_ENGINE=${requested} needs ${need}, but ${caps.serverKind} ${caps.version} has none. ` +
          "Use VECTOR_ENGINE=auto (or scan), or point REDIS_URL at a server that has it.",
      );
    }
    return requested;
  }
  if (supported.redisearch) return "redisearch";
  if (supported.vectorset) return "vectorset";
  return "scan";
}
