import { summarize, type LatencySummary } from "./stats";

export interface RunOptions {
  /** Measured operations (after warm-up). */
  iterations: number;
  /** Operations in flight at once; each worker awaits its op before starting the next. */
  concurrency: number;
  /** Unmeasured operations first (JIT, connection, server caches). */
  warmup?: number;
  /** Stop early once this much wall time has passed, so slow cases stay feasible. */
  maxMs?: number;
}

export interface RunResult extends LatencySummary {
  concurrency: number;
  opsPerSec: number;
  wallMs: number;
  /** True when maxMs cut the run short of `iterations`. */
  truncated: boolean;
  errors: number;
  firstError?: string;
}

/**
 * Times `op(i)` one call at a time per worker. Latency is per call (performance.now around
 * the await); throughput is completed calls over wall time with `concurrency` workers.
 */
export async function run(op: (i: number) => Promise<unknown>, opts: RunOptions): Promise<RunResult> {
  const warmup = opts.warmup ?? Math.min(50, Math.ceil(opts.iterations / 10));
  for (let i = 0; i < warmup; i++) await op(-1 - i);

  const samples: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = opts.maxMs ? started + opts.maxMs : Infinity;

  async function worker() {
    while (next < opts.iterations && performance.now() < deadline) {
      const i = next++;
      const t0 = performance.now();
      try {
        await op(i);
        samples.push(performance.now() - t0);
      } catch (e) {
        errors++;
        firstError ??= (e as Error).message;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  const wallMs = performance.now() - started;
  return {
    ...summarize(samples),
    concurrency: opts.concurrency,
    opsPerSec: (samples.length / wallMs) * 1000,
    wallMs,
    truncated: samples.length + errors < opts.iterations,
    errors,
    firstError,
  };
}

/** Runs `fn` over items with at most `limit` in flight (bulk loading). */
export async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
