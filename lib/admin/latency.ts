import { METRIC_OPS, readLatency, type LatencySeries, type MetricOp } from "../metrics";
import { getRuntime } from "../app";

export type LatencyRangeName = "1h" | "24h";

/** 1 h in 1-minute steps, 24 h in 15-minute steps: ~60 and 96 points per chart. */
const RANGES: Record<LatencyRangeName, { minutes: number; step: number }> = {
  "1h": { minutes: 60, step: 1 },
  "24h": { minutes: 24 * 60, step: 15 },
};

export async function getLatency(
  range: LatencyRangeName,
  op?: MetricOp,
  now = Date.now(),
): Promise<{ range: LatencyRangeName; series: LatencySeries[] }> {
  const rt = getRuntime();
  const sink = { redis: rt.redis, prefix: rt.config.redis.prefix };
  const { minutes, step } = RANGES[range];
  const ops = op ? [op] : [...METRIC_OPS];
  const series = await Promise.all(
    ops.map((o) => readLatency(o, { from: now - (minutes - 1) * 60000, to: now, stepMinutes: step }, sink)),
  );
  return { range, series };
}
