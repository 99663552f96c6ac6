/**
 * Log-scale latency buckets: 4 per doubling from 10 µs, so a bucket is ~19 % wide and a
 * percentile read back from it is within ~9 % of the true value. Bucket 0 holds everything
 * ≤ 10 µs, the last bucket everything ≥ ~17 min. Fixed bounds (not per-instance) are what let
 * several app instances add their counts into one Redis hash.
 */

export const MIN_MS = 0.01;
export const BUCKETS_PER_DOUBLING = 4;
export const MAX_BUCKET = 110; // MIN_MS · 2^(110/4) ≈ 1.9e6 ms

/** Index of the bucket whose range (upper(i−1), upper(i)] contains `ms`. */
export function bucketIndex(ms: number): number {
  if (!Number.isFinite(ms)) return ms > 0 ? MAX_BUCKET : 0;
  if (ms <= MIN_MS) return 0;
  const i = Math.ceil(Math.log2(ms / MIN_MS) * BUCKETS_PER_DOUBLING - 1e-9);
  return Math.min(Math.max(i, 0), MAX_BUCKET);
}

/** Upper bound (ms) of bucket `i`. */
export function bucketUpper(i: number): number {
  return MIN_MS * 2 ** (i / BUCKETS_PER_DOUBLING);
}

/** The value reported for a bucket: geometric middle of its range (bucket 0: its upper bound). */
export function bucketValue(i: number): number {
  return i <= 0 ? MIN_MS : MIN_MS * 2 ** ((i - 0.5) / BUCKETS_PER_DOUBLING);
}

export type Histogram = Map<number, number>;

/** Adds `from` into `into` (bucket → count). */
export function mergeHistogram(into: Histogram, from: Iterable<[number, number]>): Histogram {
  for (const [b, n] of from) into.set(b, (into.get(b) ?? 0) + n);
  return into;
}

export function histogramCount(h: Histogram): number {
  let n = 0;
  for (const c of h.values()) n += c;
  return n;
}

/**
 * The q-quantile (0..1) of a histogram, as the value of the bucket holding the
 * ceil(q·count)-th smallest sample. Undefined for an empty histogram.
 */
export function quantile(h: Histogram, q: number): number | undefined {
  const total = histogramCount(h);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const b of [...h.keys()].sort((a, z) => a - z)) {
    seen += h.get(b)!;
    if (seen >= rank) return bucketValue(b);
  }
  return undefined;
}
