import type { Runtime } from "./runtime";
import type { EmbedderStatus } from "./embeddings";
import type { RedisCapabilities, VectorEngineName } from "./redis/probe";
import { connectionProblem, redactUrl } from "./redis/client";
import { memoryBudgetSnapshot, memoryJournalState } from "./memory";
import { budgetHealth, type BudgetHealth } from "./memory/budget/health";

export interface HealthReport {
  status: "ok" | "degraded" | "down";
  reasons: string[];
  redis: {
    url: string;
    reachable: boolean;
    roundTripMs?: number;
    serverKind?: RedisCapabilities["serverKind"];
    version?: string;
    capabilities?: Omit<RedisCapabilities, "serverKind" | "version">;
    error?: string;
  };
  engine?: VectorEngineName;
  /** Writes waiting in the Redis-down journal (present once the memory facade is running). */
  journal?: { degraded: boolean; pending: number };
  /** Redis memory against the budget / maxmemory (lib/memory/budget). */
  memory?: BudgetHealth;
  embedder: EmbedderStatus;
  missing: string[];
}

/**
 * What /api/health answers. "down" (HTTP 503) when Redis is unreachable or the engine cannot
 * be chosen; the embedder loading lazily is fine, a failed load is reported as degraded.
 */
export async function buildHealth(rt: Runtime): Promise<HealthReport> {
  const reasons: string[] = [];
  const redis: HealthReport["redis"] = { url: redactUrl(rt.config.redis.url), reachable: false };
  let engine: VectorEngineName | undefined;
  try {
    const started = performance.now();
    await rt.redis.ping();
    redis.roundTripMs = Math.round((performance.now() - started) * 1000) / 1000;
    redis.reachable = true;
    const probe = await rt.probe();
    const { serverKind, version, ...capabilities } = probe.capabilities;
    Object.assign(redis, { serverKind, version, capabilities });
    engine = probe.engine;
  } catch (e) {
    redis.error = (!redis.reachable && connectionProblem(rt.redis)) || (e as Error).message;
    reasons.push(redis.reachable ? `Vector engine: ${redis.error}` : `Redis unreachable: ${redis.error}`);
  }
  let memory: BudgetHealth | undefined;
  if (redis.reachable) {
    try {
      const b = await budgetHealth(rt.redis, rt.config.memory.budgetMb, memoryBudgetSnapshot());
      reasons.push(...b.reasons);
      memory = b.memory;
    } catch {
      // INFO refused (ACL): memory is simply not reported
    }
  }
  const journal = memoryJournalState();
  if (journal && journal.pending > 0) reasons.push(`${journal.pending} write(s) journaled while Redis was unreachable; they replay automatically`);
  const embedder = rt.embedder.status();
  if (embedder.error) reasons.push(`Embedder: ${embedder.error}`);
  const status = reasons.length === 0 ? "ok" : engine === undefined ? "down" : "degraded";
  return { status, reasons, redis, engine, journal, memory, embedder, missing: rt.config.missing.map((m) => m.variable) };
}
