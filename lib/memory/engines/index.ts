import type { VectorEngineName } from "./choose";
import { createRedisearchEngine } from "./redisearch";
import { createScanEngine } from "./scan";
import type { EngineContext, VectorEngine } from "./types";
import { createVectorSetEngine } from "./vectorset";

export type { EngineContext, EngineHit, EngineQuery, MemoryRecord, VectorEncoding, VectorEngine } from "./types";

/** The engine for a probed (or forced) engine name; all three honour the same contract. */
export function createEngine(name: VectorEngineName, ctx: EngineContext): VectorEngine {
  switch (name) {
    case "redisearch":
      return createRedisearchEngine(ctx);
    case "vectorset":
      return createVectorSetEngine(ctx);
    case "scan":
      return createScanEngine(ctx);
  }
}
