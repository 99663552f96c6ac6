import type { Runtime } from "./runtime";
import type { EmbedderStatus } from "./embeddings";
import type { RedisCapabilities } from "./redis/probe";
import type { VectorEngineName } from "./memory/engines/choose";
import { connectionProblem, redactUrl } from "./redis/client";
import { memoryBudgetSnapshot, memoryJournalState } from "./app";
import { budgetHealth, type BudgetHealth } from "./memory/budget/health";
import { createChatQueue, type QueueBacklog } from "./bot/chat-queue";

export interface HealthReport {
  status: "ok" | "degraded" | "down";
  reasons: string[];
  redis: {
    url: string;
    /** REDIS_URL, the embedded Redis 8 of `npm run dev`, or the localhost default. */
    source: "env" | "embedded" | "default";
    embeddedDataDir?: string;
    reachable: boolean;
    roundTripMs?: number;
    serverKind?: RedisCapabilities["serverKind"];
    version?: string;
    capabilities?: Omit<RedisCapabilities, "serverKind" | "version">;
    error?: string;
  };
  engine?: VectorEngineName;
  /** Writes waiting in the Redis-down journal (present once the memory facade is running). */
  journal?: { degraded: boolean; pending: number; lastError?: string; deadLetters?: number };
  /** Telegram updates waiting in chat queues; `stale` chats waited longer than `staleMinutes` without progress. */
  queue?: QueueBacklog & { staleMinutes: number };
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
  const cr = rt.config.redis;
  const redis: HealthReport["redis"] = {
    url: redactUrl(cr.url),
    source: cr.source,
    embeddedDataDir: cr.embeddedDataDir,
    reachable: false,
  };
  let engine: VectorEngineName | undefined;
  try {
    if (cr.problem) throw new Error(cr.problem);
    const started = performance.now();
    await rt.redis.ping();
    redis.roundTripMs = Math.round((performance.now() - started) * 1000) / 1000;
    redis.reachable = true;
    const probe = await rt.probe();
    const { serverKind, version, ...capabilities } = probe.capabilities;
    Object.assign(redis, { serverKind, version, capabilities });
    engine = probe.engine;
  } catch (e) {
    redis.error = cr.problem ?? ((!redis.reachable && connectionProblem(rt.redis)) || (e as Error).message);
    if (cr.embeddedError && !redis.reachable) redis.error += ` (${cr.embeddedError})`;
    reasons.push(redis.reachable ? `Vector engine: ${redis.error}` : `Redis unreachable: ${redis.error}`);
  }
  let queue: HealthReport["queue"];
  if (redis.reachable) {
    const staleMinutes = rt.config.queue.staleMinutes;
    try {
      queue = {
        ...(await createChatQueue(rt.redis, rt.config.redis.prefix, { lockMs: 0 }).backlog(staleMinutes * 60_000)),
        staleMinutes,
      };
      if (queue.stale > 0)
        reasons.push(
          `${queue.stale} chat queue(s) waiting over ${staleMinutes} min without progress (oldest ${Math.round(queue.oldestWaitMs / 60_000)} min); see the server log`,
        );
    } catch (e) {
      reasons.push(`Chat queue unreadable: ${(e as Error).message}`);
    }
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
  if (journal && journal.pending > 0)
    reasons.push(
      `${journal.pending} write(s) journaled while Redis could not take them; they replay automatically${journal.lastError ? ` (last attempt: ${journal.lastError})` : ""}`,
    );
  if (journal?.deadLetters)
    reasons.push(
      `${journal.deadLetters} journaled write(s) could not be read back and were moved to the dead-letter file (see the log)`,
    );
  const embedder = rt.embedder.status();
  if (embedder.error) reasons.push(`Embedder: ${embedder.error}`);
  const status = reasons.length === 0 ? "ok" : engine === undefined ? "down" : "degraded";
  return {
    status,
    reasons,
    redis,
    engine,
    journal,
    queue,
    memory,
    embedder,
    missing: rt.config.missing.map((m) => m.variable),
  };
}
