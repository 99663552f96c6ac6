import { createRedisClient } from "@/lib/redis/client";
import type { BenchContext } from "../lib/context";
import { run, type RunResult } from "../lib/runner";

/** PING round trip with the app's own client settings: the one-round-trip floor. */
export async function measureFloor(ctx: BenchContext, url: string): Promise<{ c1: RunResult; c32: RunResult }> {
  const redis = createRedisClient({ url, name: "mindmate-bench" });
  try {
    await redis.ping();
    const n = ctx.sizes.pingIterations;
    const c1 = await run(() => redis.ping(), { iterations: n, concurrency: 1, warmup: 200 });
    const c32 = await run(() => redis.ping(), { iterations: n, concurrency: 32, warmup: 200 });
    return { c1, c32 };
  } finally {
    redis.disconnect();
  }
}
