import type { Redis } from "ioredis";

/**
 * A small time series of used memory: one sample per 10 minutes in a capped LIST
 * (`budget:samples`, entries `<ms>:<bytes>`, newest first, 2 days kept ≈ 6 KB), written by
 * the budget check and by the overview, so the dashboard can project when Redis fills up.
 */
export const SAMPLE_EVERY_MS = 10 * 60_000;
export const SAMPLES_KEPT = 288;

export interface Sample {
  ts: number;
  usedBytes: number;
}

export function parseSamples(raw: string[]): Sample[] {
  return raw
    .map((s) => s.split(":").map(Number))
    .filter(([ts, used]) => Number.isFinite(ts) && Number.isFinite(used))
    .map(([ts, used]) => ({ ts: ts!, usedBytes: used! }));
}

/** Adds a sample when the newest one is older than SAMPLE_EVERY_MS (two instances may both add one: harmless). */
export async function maybeSample(redis: Redis, key: string, usedBytes: number, now = Date.now()): Promise<boolean> {
  const [newest] = parseSamples(await redis.lrange(key, 0, 0));
  if (newest && now - newest.ts < SAMPLE_EVERY_MS) return false;
  await redis
    .multi()
    .lpush(key, `${now}:${usedBytes}`)
    .ltrim(key, 0, SAMPLES_KEPT - 1)
    .exec();
  return true;
}

export interface Projection {
  /** Bytes per day over the window (negative = shrinking). */
  growthPerDay: number;
  windowHours: number;
  /** Days until `limit` at that growth; null when not growing or already there. */
  daysToFull: number | null;
}

/**
 * "Full in ≈ N days at the last 24 h's growth": the oldest sample of the last 24 h against the
 * current value. Needs ≥ 30 minutes of history, else undefined.
 */
export function project(samples: Sample[], current: Sample, limitBytes: number): Projection | undefined {
  const window = samples.filter((s) => current.ts - s.ts <= 24 * 3_600_000 && s.ts < current.ts);
  const oldest = window.reduce<Sample | undefined>((o, s) => (!o || s.ts < o.ts ? s : o), undefined);
  if (!oldest || current.ts - oldest.ts < 30 * 60_000 || limitBytes <= 0) return undefined;
  const days = (current.ts - oldest.ts) / 86_400_000;
  const growthPerDay = (current.usedBytes - oldest.usedBytes) / days;
  const left = limitBytes - current.usedBytes;
  return {
    growthPerDay: Math.round(growthPerDay),
    windowHours: Math.round(days * 240) / 10,
    daysToFull: growthPerDay > 0 && left > 0 ? left / growthPerDay : null,
  };
}
