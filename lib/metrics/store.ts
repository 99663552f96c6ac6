import type { Redis } from "../redis/client";
import { metricsKeys } from "../redis/keys";

/**
 * Redis side of the latency metrics: one HASH per operation and minute,
 * `<prefix>metrics:<op>:<minute since epoch>`, field = bucket index, value = count.
 * Hashes expire 48 h after their last write.
 */

/** The client type metrics are written with (kept here so ioredis stays inside lib/redis). */
export type MetricsRedis = Redis;

export const METRICS_TTL_SECONDS = 48 * 3600;

export function metricsKey(prefix: string, op: string, minute: number): string {
  return metricsKeys(prefix).minute(op, minute);
}

/** Counts to add: key → bucket → count. */
export type PendingCounts = Map<string, Map<number, number>>;

/** Adds every pending count in ONE pipeline (HINCRBY per field + EXPIRE per touched hash). */
export async function writeHistograms(redis: Redis, pending: PendingCounts): Promise<void> {
  if (pending.size === 0) return;
  const p = redis.pipeline();
  for (const [key, buckets] of pending) {
    for (const [bucket, n] of buckets) p.hincrby(key, String(bucket), n);
    p.expire(key, METRICS_TTL_SECONDS);
  }
  const results = (await p.exec()) ?? [];
  const failed = results.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
}

/** The per-minute histograms of one operation, in one pipeline of HGETALLs. */
export async function readHistograms(
  redis: Redis,
  prefix: string,
  op: string,
  minutes: number[],
): Promise<Map<number, Map<number, number>>> {
  const out = new Map<number, Map<number, number>>();
  if (minutes.length === 0) return out;
  const p = redis.pipeline();
  for (const m of minutes) p.hgetall(metricsKey(prefix, op, m));
  const results = (await p.exec()) ?? [];
  results.forEach(([err, value], i) => {
    if (err) throw err;
    const fields = value as Record<string, string>;
    const h = new Map<number, number>();
    for (const [b, n] of Object.entries(fields)) h.set(Number(b), Number(n));
    if (h.size > 0) out.set(minutes[i]!, h);
  });
  return out;
}
