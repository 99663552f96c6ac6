import type { Redis } from "ioredis";
import { budgetReasons, levelOf, type BudgetSnapshot } from ".";
import { budgetBytes, readServerMemory } from "./info";

export interface BudgetHealth {
  usedBytes: number;
  budgetBytes: number;
  maxmemoryBytes: number;
  policy?: string;
  level: "ok" | "warn" | "critical" | "full";
  oomSeenAt?: string;
}

/**
 * The memory part of /api/health: one INFO memory, plus what this process's facade saw (an OOM
 * refusal). Reasons (→ "degraded") above 95 % of the budget (or of maxmemory without one), when
 * maxmemory is reached, and for 10 minutes after an OOM refusal.
 */
export async function budgetHealth(
  redis: Redis,
  budgetMb: number | undefined,
  seen?: BudgetSnapshot,
): Promise<{ reasons: string[]; memory: BudgetHealth }> {
  const mem = await readServerMemory(redis);
  const b = budgetBytes(budgetMb, mem.maxmemoryBytes);
  const snap: BudgetSnapshot = {
    ...mem,
    budgetBytes: b.bytes,
    budgetSource: b.source,
    checkedAt: Date.now(),
    oomSeenAt: seen?.oomSeenAt,
    sweeping: seen?.sweeping ?? false,
  };
  const oomRecent = snap.oomSeenAt !== undefined && Date.now() - snap.oomSeenAt < 10 * 60_000;
  return {
    reasons: budgetReasons(snap),
    memory: {
      usedBytes: mem.usedBytes,
      budgetBytes: b.bytes,
      maxmemoryBytes: mem.maxmemoryBytes,
      policy: mem.policy,
      level: levelOf(mem.usedBytes, b.bytes, mem.maxmemoryBytes, oomRecent).level,
      ...(snap.oomSeenAt ? { oomSeenAt: new Date(snap.oomSeenAt).toISOString() } : {}),
    },
  };
}
