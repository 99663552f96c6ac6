import { readHistograms } from "./store";
import { histogramCount, mergeHistogram, quantile, type Histogram } from "./buckets";
import { bindMetricsSink, currentSink, flushMetrics, record, resetMetricsForTests, type MetricsSink } from "./recorder";

/**
 * Latency metrics shared by every app instance through Redis. `recordLatency` is synchronous
 * and costs a Map update; a 1 s timer flushes all counts in one pipeline (so the overhead is far
 * below one extra command per operation). Readers merge per-minute histograms into steps and
 * report p50/p95/p99.
 */

export const METRIC_OPS = ["append", "history", "recall", "embed", "llm", "webhook"] as const;
export type MetricOp = (typeof METRIC_OPS)[number];

export { bindMetricsSink, currentSink, flushMetrics, resetMetricsForTests, type MetricsSink };

/** Records one operation's duration. Never throws, never awaits. */
export function recordLatency(op: MetricOp, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) return;
  record(op, ms);
}

export interface LatencyPoint {
  /** Start of the step, ms since epoch. */
  t: number;
  count: number;
  p50?: number;
  p95?: number;
  p99?: number;
}

export interface LatencyRange {
  from: Date | number;
  to: Date | number;
  stepMinutes: number;
}

export interface LatencySeries {
  op: MetricOp;
  stepMinutes: number;
  points: LatencyPoint[];
  /** The whole range merged. */
  total: Omit<LatencyPoint, "t">;
}

function summarize(h: Histogram): Omit<LatencyPoint, "t"> {
  return { count: histogramCount(h), p50: quantile(h, 0.5), p95: quantile(h, 0.95), p99: quantile(h, 0.99) };
}

/** p50/p95/p99 and count per step of `stepMinutes` between from and to (inclusive minutes). */
export async function readLatency(
  op: MetricOp,
  range: LatencyRange,
  sink: MetricsSink | undefined = currentSink(),
): Promise<LatencySeries> {
  if (!sink) throw new Error("metrics have no Redis connection (bindMetricsSink was not called)");
  const step = Math.max(1, Math.floor(range.stepMinutes));
  const fromMin = Math.floor(Number(range.from) / 60000);
  const toMin = Math.floor(Number(range.to) / 60000);
  // Steps are aligned to multiples of the step so the chart does not shift every minute.
  const firstStep = Math.floor(fromMin / step) * step;
  const minutes: number[] = [];
  for (let m = firstStep; m <= toMin; m++) minutes.push(m);
  const perMinute = await readHistograms(sink.redis, sink.prefix, op, minutes);
  const points: LatencyPoint[] = [];
  const all: Histogram = new Map();
  for (let s = firstStep; s <= toMin; s += step) {
    const h: Histogram = new Map();
    for (let m = s; m < s + step && m <= toMin; m++) {
      const pm = perMinute.get(m);
      if (pm) mergeHistogram(h, pm);
    }
    mergeHistogram(all, h);
    points.push({ t: s * 60000, ...summarize(h) });
  }
  return { op, stepMinutes: step, points, total: summarize(all) };
}
