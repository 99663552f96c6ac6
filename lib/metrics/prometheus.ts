import { createHash, timingSafeEqual } from "node:crypto";
import { Gauge, Registry, type Metric } from "prom-client";
import { ConfigError, getConfig } from "../config";
import { AppError, errorResponse } from "../errors";
import { memoryBudgetSnapshot, memoryJournalState } from "../app";
import { budgetHealth } from "../memory/budget/health";
import { redisError } from "../memory/redis-errors";
import { createChatQueue } from "../bot/chat-queue";
import { metricsKeys } from "../redis/keys";
import { FOLDED_FIELD, FOLD_AND_READ } from "../redis/lua/metrics";
import { METRICS_TTL_SECONDS, metricsKey, type MetricsRedis } from "./store";
import { getRuntime } from "../app";
import { MAX_BUCKET, bucketUpper, bucketValue } from "./buckets";
import { METRIC_OPS } from ".";

/**
 * GET /api/metrics: the Prometheus text exposition of what the dashboard shows, read from Redis
 * at scrape time into a fresh prom-client Registry, so every instance answers with the same
 * shared totals (scrape any one of them, or all: the values agree).
 *
 * - `mindmate_operation_duration_seconds{op}` — histogram per operation (append, history,
 *   recall, embed, llm, webhook), all instances merged. Buckets are the app's own log-scale
 *   bounds (lib/metrics/buckets.ts, 4 per doubling from 10 µs) in seconds, so quantiles
 *   computed by Prometheus match the dashboard's.
 * - `mindmate_queue_depth`, `mindmate_queue_oldest_wait_seconds`, `mindmate_queue_stale_chats`
 *   — the chat queue's work set (`q:work`), as on the health card.
 * - `mindmate_journal_pending`, `mindmate_journal_degraded` — writes this process journaled
 *   while Redis could not take them (the journal is per process: these differ per instance).
 * - `mindmate_redis_used_memory_bytes`, `mindmate_redis_maxmemory_bytes`,
 *   `mindmate_memory_budget_bytes` — INFO memory against the budget (lib/memory/budget).
 *
 * Counters must never go down, but the per-minute histograms expire after 48 h. So each scrape
 * folds minutes older than LIVE_MINUTES into one cumulative hash per operation
 * (`<prefix>metrics:cumulative:<op>`, no TTL, ≤ 112 fields) in a Lua script that also returns
 * cumulative + the live minutes: atomic, so concurrent scrapes from several instances neither
 * count a minute twice nor see a total drop. Counts written to a minute after it was folded
 * (a flush delayed by more than LIVE_MINUTES, or instance clocks that far apart) are not
 * exposed; minutes that expired before any scrape folded them (no scrape for 48 h) are lost.
 */

const HISTOGRAM = "mindmate_operation_duration_seconds";
/** Minutes still being written to (the current one, late flushes): read live, folded later. */
export const LIVE_MINUTES = 5;
const RETENTION_MINUTES = Math.floor(METRICS_TTL_SECONDS / 60);

/** Bucket → count of everything recorded for `op` so far (all instances), folding old minutes first. */
export async function cumulativeHistogram(
  redis: MetricsRedis,
  prefix: string,
  op: string,
  now = Date.now(),
): Promise<Map<number, number>> {
  const total = metricsKeys(prefix).cumulative(op);
  const nowMin = Math.floor(now / 60000);
  const folded = Number((await redis.hget(total, FOLDED_FIELD)) ?? NaN);
  const oldest = nowMin - RETENTION_MINUTES + 1;
  const first = Math.min(nowMin + 1, Math.max(oldest, Number.isFinite(folded) ? folded + 1 : oldest));
  const keys = [total];
  for (let m = first; m <= nowMin; m++) keys.push(metricsKey(prefix, op, m));
  const flat = (await FOLD_AND_READ(redis, keys, [first, nowMin - LIVE_MINUTES])) as Buffer[];
  const h = new Map<number, number>();
  for (let i = 0; i + 1 < flat.length; i += 2) h.set(Number(String(flat[i])), Number(String(flat[i + 1])));
  return h;
}

/** Bucket upper bounds in seconds, short but exact enough (buckets are ~19 % apart). */
const LE = Array.from({ length: MAX_BUCKET }, (_, i) => String(Number((bucketUpper(i) / 1000).toPrecision(6))));

/**
 * prom-client's Histogram only grows by observe(); these counts already exist in Redis, so the
 * histogram is a minimal custom metric the Registry formats like its own (HELP, TYPE, _bucket
 * with `le`, _sum, _count).
 *
 * _sum is an approximation: the stored histograms keep counts per bucket, not the samples, so
 * the sum is Σ count × the bucket's geometric middle (the value the dashboard reports for the
 * bucket; bucket 0: 10 µs) — within ~9 % per sample, and monotonic like the counts. _count and
 * every _bucket are exact.
 */
function storedHistogram(perOp: Map<string, Map<number, number>>): Metric {
  const values: { metricName: string; labels: Record<string, string>; value: number }[] = [];
  for (const [op, h] of perOp) {
    let cumulative = 0;
    let sumSeconds = 0;
    for (let i = 0; i <= MAX_BUCKET; i++) {
      const n = h.get(i) ?? 0;
      cumulative += n;
      sumSeconds += (n * bucketValue(i)) / 1000;
      if (i < MAX_BUCKET)
        values.push({ metricName: `${HISTOGRAM}_bucket`, labels: { op, le: LE[i]! }, value: cumulative });
    }
    values.push({ metricName: `${HISTOGRAM}_bucket`, labels: { op, le: "+Inf" }, value: cumulative });
    values.push({ metricName: `${HISTOGRAM}_sum`, labels: { op }, value: sumSeconds });
    values.push({ metricName: `${HISTOGRAM}_count`, labels: { op }, value: cumulative });
  }
  const metric = {
    name: HISTOGRAM,
    help: "Duration of app operations (append, history, recall, embed, llm, webhook), all instances merged; _sum approximated from the buckets.",
    type: "histogram",
    aggregator: "sum",
    get: async () => ({ name: HISTOGRAM, help: metric.help, type: "histogram", aggregator: "sum", values }),
  };
  return metric as unknown as Metric;
}

export interface ScrapeSource {
  redis: MetricsRedis;
  prefix: string;
  /** MEMORY_BUDGET_MB (undefined = 85 % of maxmemory, 0 = off). */
  budgetMb?: number;
  /** QUEUE_STALE_MINUTES. */
  staleMinutes: number;
  now?: number;
}

/** The exposition text, read from Redis now. Throws the Redis error when Redis cannot answer. */
export async function renderMetrics(src: ScrapeSource): Promise<{ body: string; contentType: string }> {
  const now = src.now ?? Date.now();
  const registry = new Registry();
  const gauge = (name: string, help: string, value: number) =>
    new Gauge({ name, help, registers: [registry] }).set(value);

  const [histograms, backlog, memory] = await Promise.all([
    Promise.all(METRIC_OPS.map(async (op) => [op, await cumulativeHistogram(src.redis, src.prefix, op, now)] as const)),
    createChatQueue(src.redis, src.prefix, { lockMs: 0 }).backlog(src.staleMinutes * 60_000),
    budgetHealth(src.redis, src.budgetMb, memoryBudgetSnapshot()).catch((e: unknown) => {
      // Unreachable: the scrape fails (503). Refused (an ACL without INFO): memory is left out, as on /api/health.
      if (redisError(e, "read INFO memory").code === "unavailable:redis") throw e;
      return undefined;
    }),
  ]);

  registry.registerMetric(storedHistogram(new Map(histograms)));
  gauge(
    "mindmate_queue_depth",
    "Chats with queued Telegram updates (members of the q:work set), all instances.",
    backlog.chats,
  );
  gauge(
    "mindmate_queue_oldest_wait_seconds",
    "Longest a chat with queued updates has waited without progress.",
    backlog.oldestWaitMs / 1000,
  );
  gauge("mindmate_queue_stale_chats", "Chats waiting longer than QUEUE_STALE_MINUTES without progress.", backlog.stale);
  const journal = memoryJournalState();
  gauge(
    "mindmate_journal_pending",
    "Writes this process journaled while Redis could not take them, waiting to replay (per instance).",
    journal?.pending ?? 0,
  );
  gauge(
    "mindmate_journal_degraded",
    "1 while this process's memory layer is journaling instead of writing to Redis (per instance).",
    journal?.degraded ? 1 : 0,
  );
  if (memory) {
    gauge("mindmate_redis_used_memory_bytes", "Redis INFO used_memory.", memory.memory.usedBytes);
    gauge("mindmate_redis_maxmemory_bytes", "Redis maxmemory (0 = no limit).", memory.memory.maxmemoryBytes);
    gauge(
      "mindmate_memory_budget_bytes",
      "Memory budget the app trims long-term memories to (MEMORY_BUDGET_MB, default 85 % of maxmemory; 0 = off).",
      memory.memory.budgetBytes,
    );
  }
  return { body: await registry.metrics(), contentType: registry.contentType };
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Constant-time check of `Authorization: Bearer <token>`. */
export function bearerMatches(header: string | null, token: string): boolean {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "");
  // Hashing first makes both sides the same length, so the comparison time says nothing about the token.
  return timingSafeEqual(digest(m?.[1] ?? ""), digest(token)) && m !== null;
}

/**
 * The whole route: 404 while METRICS_TOKEN is unset (off), 401 without the right bearer token,
 * 503 when Redis is unreachable (or the configuration is invalid), else 200 with the exposition.
 */
export async function metricsResponse(req: Request): Promise<Response> {
  let token: string | undefined;
  try {
    token = getConfig().metrics.token;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return new AppError(
      "unavailable:config",
      `The server configuration is invalid: ${e.problems.map((p) => p.variable).join(", ")}`,
      { cause: e },
    ).toResponse();
  }
  if (!token) return new AppError("not_found:api", "Metrics are off (METRICS_TOKEN is not set).").toResponse();
  if (!bearerMatches(req.headers.get("authorization"), token)) {
    return new AppError("unauthorized:api", "Send Authorization: Bearer <METRICS_TOKEN>.").toResponse({
      "WWW-Authenticate": 'Bearer realm="metrics"',
    });
  }
  try {
    const rt = getRuntime();
    if (rt.config.redis.problem) throw new AppError("unavailable:redis", rt.config.redis.problem);
    const { body, contentType } = await renderMetrics({
      redis: rt.redis,
      prefix: rt.config.redis.prefix,
      budgetMb: rt.config.memory.budgetMb,
      staleMinutes: rt.config.queue.staleMinutes,
    });
    return new Response(body, { status: 200, headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
  } catch (e) {
    return errorResponse(redisError(e, "read the metrics"));
  }
}
