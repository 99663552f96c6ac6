import { buildHealth, type HealthReport } from "../health";
import type { BudgetReport } from "../memory/budget";
import { isConversationNamespace } from "../redis/keys";
import { readInfo, scanKeyspace } from "./redis-info";
import { adminDeps } from "./deps";

export interface RedisMemory {
  usedBytes: number;
  peakBytes: number;
  datasetBytes?: number;
  fragmentation?: number;
  maxmemoryBytes: number;
  policy?: string;
  evictedKeys: number;
  expiredKeys?: number;
}

export interface Overview {
  health: HealthReport;
  totals: { users: number; messages: number; memories: number; promptTokens: number; completionTokens: number };
  journal: { pending: number; degraded: boolean };
  redisMemory: RedisMemory;
  /** Bytes per stored message: from the app's own keys (sampled MEMORY USAGE) and from all of used_memory. */
  bytesPerMessage: { keys: number | null; usedMemory: number | null; keysSampled: boolean };
  engine: string;
  /** Memory budget gauge: used / budget / maxmemory, projection, trimmed counts (absent if the facade has no budget). */
  budget?: BudgetReport;
}

const num = (v: string | undefined) => (v === undefined || v === "" ? undefined : Number(v));

export async function getOverview(): Promise<Overview> {
  const { rt, memory } = await adminDeps();
  const [health, stats, info, keyspace, budget] = await Promise.all([
    buildHealth(rt),
    memory.stats(),
    readInfo(rt.redis),
    scanKeyspace(rt.redis, rt.config.redis.prefix, { maxKeys: 20000, samplePerNamespace: 20 }),
    memory.budgetReport?.(),
  ]);
  const m = info.memory ?? {};
  const s = info.stats ?? {};
  const redisMemory: RedisMemory = {
    usedBytes: num(m.used_memory) ?? 0,
    peakBytes: num(m.used_memory_peak) ?? 0,
    datasetBytes: num(m.used_memory_dataset),
    fragmentation: num(m.mem_fragmentation_ratio),
    maxmemoryBytes: num(m.maxmemory) ?? 0,
    policy: m.maxmemory_policy,
    evictedKeys: num(s.evicted_keys) ?? 0,
    expiredKeys: num(s.expired_keys),
  };
  const stored = stats.memories || stats.messages;
  // Only conversation data (lib/redis/keys.ts): not queues, limits, guards, metrics or caches.
  const keyBytes = keyspace.namespaces
    .filter((n) => isConversationNamespace(n.namespace))
    .reduce((sum, n) => sum + (n.estimatedBytes ?? 0), 0);
  const baseline = num(m.used_memory_startup) ?? 0;
  return {
    health,
    totals: {
      users: stats.users,
      messages: stats.messages,
      memories: stats.memories,
      promptTokens: stats.promptTokens,
      completionTokens: stats.completionTokens,
    },
    journal: stats.journal,
    redisMemory,
    bytesPerMessage: {
      keys: stored > 0 && keyspace.memoryUsageAvailable ? Math.round(keyBytes / stored) : null,
      usedMemory: stored > 0 ? Math.round((redisMemory.usedBytes - baseline) / stored) : null,
      keysSampled: keyspace.truncated || keyspace.namespaces.some((n) => n.sampled < n.keys),
    },
    engine: memory.engine,
    ...(budget ? { budget } : {}),
  };
}
