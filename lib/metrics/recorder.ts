import { logger } from "../log";
import { metricsKey, writeHistograms, type MetricsRedis, type PendingCounts } from "./store";
import { bucketIndex } from "./buckets";
import { dropProcessSingleton, processSingleton } from "../app/state";

const log = logger("metrics");

export interface MetricsSink {
  redis: MetricsRedis;
  prefix: string;
}

/** Buffered counts waiting for the next flush; more distinct keys than this are dropped. */
const MAX_PENDING_KEYS = 5000;
const FLUSH_INTERVAL_MS = 1000;

interface RecorderState {
  pending: PendingCounts;
  sink?: MetricsSink;
  timer?: ReturnType<typeof setInterval>;
  flushing?: Promise<void>;
  warned: boolean;
  dropped: number;
}

// Once per process (lib/app/state.ts): instrumentation and every route share one buffer and one sink.
function state(): RecorderState {
  return processSingleton<RecorderState>("metrics:recorder", () => ({ pending: new Map(), warned: false, dropped: 0 }));
}

/** Where flushes go (lib/app binds the app's Redis when it creates the app, unless one is bound). */
export function bindMetricsSink(sink: MetricsSink | undefined): void {
  state().sink = sink;
}

export function currentSink(): MetricsSink | undefined {
  return state().sink;
}

export function record(op: string, ms: number, now = Date.now()): void {
  const s = state();
  const key = `${op}:${Math.floor(now / 60000)}`;
  let buckets = s.pending.get(key);
  if (!buckets) {
    if (s.pending.size >= MAX_PENDING_KEYS) {
      s.dropped++;
      return;
    }
    buckets = new Map();
    s.pending.set(key, buckets);
  }
  const b = bucketIndex(ms);
  buckets.set(b, (buckets.get(b) ?? 0) + 1);
  if (!s.timer) {
    s.timer = setInterval(() => void flushMetrics(), FLUSH_INTERVAL_MS);
    s.timer.unref?.(); // never keeps a CLI or a test process alive
  }
}

/**
 * Writes the buffer to Redis in one pipeline. Errors are swallowed (logged once): metrics must
 * never break or slow down the operation they measure. Counts of a failed flush are lost.
 */
export function flushMetrics(): Promise<void> {
  const s = state();
  if (s.flushing) return s.flushing.then(() => flushMetrics());
  if (s.pending.size === 0) return Promise.resolve();
  const sink = currentSink();
  if (!sink) return Promise.resolve(); // keep buffering until a sink exists
  const batch: PendingCounts = new Map();
  for (const [k, v] of s.pending) {
    const sep = k.lastIndexOf(":");
    batch.set(metricsKey(sink.prefix, k.slice(0, sep), Number(k.slice(sep + 1))), v);
  }
  s.pending = new Map();
  s.flushing = writeHistograms(sink.redis, batch)
    .catch((e: unknown) => {
      if (!s.warned) log.warn("could not write latency metrics (further errors are not logged)", { error: e });
      s.warned = true;
    })
    .finally(() => {
      s.flushing = undefined;
    });
  return s.flushing;
}

/** Stops the timer and drops the buffer (tests). */
export function resetMetricsForTests(): void {
  const s = state();
  if (s.timer) clearInterval(s.timer);
  dropProcessSingleton("metrics:recorder");
}
