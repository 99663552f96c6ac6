import type { ChainableCommander } from "ioredis";
import type { EngineContext } from "../engines/types";
import { queueLogEntry, RecallCache, type RecallCacheStats } from "./sync";
import type { UserIndex } from "./user-index";

/** Default byte cap of the recall cache (RECALL_CACHE_MB): ~6 users of 10k memories at 384 float32 dims. */
export const RECALL_CACHE_MB_DEFAULT = 128;

export interface EngineRecallCache {
  readonly enabled: boolean;
  /** The user's id log key (deleted with the user's other keys). */
  logKey(userId: number): string;
  /** Queues the id-log entry of one written record into the engine write's MULTI. */
  queueWrite(p: ChainableCommander, userId: number, id: string): void;
  get(userId: number): Promise<UserIndex>;
  drop(userId: number): void;
  clear(): void;
  stats(): RecallCacheStats;
}

/**
 * The recall cache of one engine instance. The id log is written whether or not this instance
 * caches (RECALL_CACHE_MB=0), so instances with the cache on always see every write.
 */
export function recallCacheFor(
  ctx: EngineContext,
  dataKey: (userId: number) => string,
  dims: number | undefined,
): EngineRecallCache {
  const logKey = (u: number) => ctx.keys.memoryUser(u, "l");
  const cache = new RecallCache({
    redis: ctx.redis,
    logKey,
    dataKey,
    dims,
    maxBytes: ctx.recallCacheBytes ?? RECALL_CACHE_MB_DEFAULT * 1024 * 1024,
  });
  return {
    get enabled() {
      return cache.enabled;
    },
    logKey,
    queueWrite: (p, userId, id) => queueLogEntry(p, logKey(userId), id, ctx.ttlSeconds),
    get: (u) => cache.get(u),
    drop: (u) => cache.drop(u),
    clear: () => cache.clear(),
    stats: () => cache.stats(),
  };
}
