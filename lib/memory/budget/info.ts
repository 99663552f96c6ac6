import type { Redis } from "ioredis";

/** What INFO memory says (the numbers maxmemory and noeviction apply to). */
export interface ServerMemory {
  usedBytes: number;
  /** 0 = the server reports no limit. */
  maxmemoryBytes: number;
  policy?: string;
}

const field = (info: string, name: string) => info.match(new RegExp(`^${name}:(.*)$`, "m"))?.[1]?.trim();

export function parseServerMemory(info: string): ServerMemory {
  return {
    usedBytes: Number(field(info, "used_memory") ?? 0),
    maxmemoryBytes: Number(field(info, "maxmemory") ?? 0),
    policy: field(info, "maxmemory_policy"),
  };
}

/** One INFO memory: the cheap check (a few hundred bytes, O(1) on the server). */
export async function readServerMemory(redis: Redis): Promise<ServerMemory> {
  return parseServerMemory(await redis.info("memory"));
}

/** Share of maxmemory the budget defaults to when MEMORY_BUDGET_MB is unset. */
export const DEFAULT_BUDGET_SHARE = 0.85;

/**
 * The budget in bytes: MEMORY_BUDGET_MB when set (0 = off), else 85 % of maxmemory, else off (0).
 * Never above maxmemory: a budget Redis cannot reach would never trigger.
 */
export function budgetBytes(
  setting: number | undefined,
  maxmemoryBytes: number,
): { bytes: number; source: "MEMORY_BUDGET_MB" | "85 % of maxmemory" | "off" } {
  if (setting === 0) return { bytes: 0, source: "off" };
  if (setting !== undefined) {
    const bytes = Math.round(setting * 1024 * 1024);
    return { bytes: maxmemoryBytes > 0 ? Math.min(bytes, maxmemoryBytes) : bytes, source: "MEMORY_BUDGET_MB" };
  }
  return maxmemoryBytes > 0
    ? { bytes: Math.round(maxmemoryBytes * DEFAULT_BUDGET_SHARE), source: "85 % of maxmemory" }
    : { bytes: 0, source: "off" };
}

/** A Redis refusal because memory is full (noeviction, or nothing left to evict). */
export function isOomError(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x instanceof Error && depth < 4; x = (x as { cause?: unknown }).cause, depth++) {
    if (/\bOOM\b|used memory > 'maxmemory'/.test(x.message)) return true;
  }
  return false;
}
