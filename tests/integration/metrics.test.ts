import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { bindMetricsSink, flushMetrics, readLatency, recordLatency, resetMetricsForTests } from "@/lib/metrics";
import { bucketIndex, bucketValue } from "@/lib/metrics/buckets";
import { METRICS_TTL_SECONDS, metricsKey } from "@/lib/metrics/store";
import { deletePrefix, keysWithPrefix, rawClient, testServers, uniquePrefix } from "../helpers/servers";

const server = testServers().available[0];
const skip = server ? false : "no test server URL set (run through npm test)";

describe("latency metrics in Redis", { skip }, () => {
  let redis: Redis;
  const prefix = uniquePrefix("metrics");

  before(() => {
    redis = rawClient(server!.url);
    resetMetricsForTests();
    bindMetricsSink({ redis, prefix });
  });
  after(async () => {
    resetMetricsForTests();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it("flushes buffered counts in one pipeline into per-minute hashes with a 48 h TTL", async () => {
    const minute = Math.floor(Date.now() / 60000);
    for (let i = 0; i < 10; i++) recordLatency("recall", 3);
    recordLatency("recall", 300);
    recordLatency("append", 1.5);
    await flushMetrics();
    const keys = (await keysWithPrefix(redis, prefix)).sort();
    // The minute may roll over between recording and reading; accept the one after too.
    const recallKey = keys.find((k) => k.startsWith(`${prefix}metrics:recall:`))!;
    assert.ok(
      [metricsKey(prefix, "recall", minute), metricsKey(prefix, "recall", minute + 1)].includes(recallKey),
      recallKey,
    );
    const h = await redis.hgetall(recallKey);
    assert.equal(Number(h[String(bucketIndex(3))]), 10);
    assert.equal(Number(h[String(bucketIndex(300))]), 1);
    const ttl = await redis.ttl(recallKey);
    assert.ok(ttl > METRICS_TTL_SECONDS - 60 && ttl <= METRICS_TTL_SECONDS, `ttl ${ttl}`);
    assert.ok(keys.some((k) => k.startsWith(`${prefix}metrics:append:`)));
  });

  it("reads p50/p95/p99 and counts per step, merging what several instances wrote", async () => {
    const now = Date.now();
    // Another "instance" writes straight into the same hash.
    const minute = Math.floor(now / 60000);
    await redis.hincrby(metricsKey(prefix, "llm", minute), String(bucketIndex(800)), 5);
    for (let i = 0; i < 95; i++) recordLatency("llm", 100);
    await flushMetrics();
    const series = await readLatency("llm", { from: now - 3600_000, to: now + 60_000, stepMinutes: 5 });
    assert.equal(series.total.count, 100);
    assert.ok(Math.abs(series.total.p50! - 100) / 100 < 0.1, `p50 ${series.total.p50}`);
    assert.equal(series.total.p99, bucketValue(bucketIndex(800)));
    assert.ok(series.points.length >= 12 && series.points.length <= 14, `${series.points.length} points`);
    assert.equal(
      series.points.reduce((n, p) => n + p.count, 0),
      100,
    );
    const empty = series.points.find((p) => p.count === 0)!;
    assert.equal(empty.p50, undefined);
    for (const p of series.points) assert.equal(p.t % (5 * 60000), 0);
  });

  it("costs one round trip per flush, with far fewer commands than operations", async () => {
    await flushMetrics();
    let commands = 0;
    const pipelines = new Set<unknown>();
    const original = redis.sendCommand.bind(redis);
    redis.sendCommand = ((cmd: unknown, stream?: { isPipeline?: boolean }) => {
      commands++;
      if (stream?.isPipeline) pipelines.add(stream);
      return original(cmd as never, stream as never);
    }) as typeof redis.sendCommand;
    try {
      const ops = ["append", "history", "recall", "embed", "llm", "webhook"] as const;
      for (let i = 0; i < 6000; i++) recordLatency(ops[i % 6]!, 1 + (i % 200)); // 1..200 ms
      await flushMetrics();
    } finally {
      redis.sendCommand = original;
    }
    assert.equal(pipelines.size, 1, "one pipeline");
    // ≤ 6 ops × (buckets covering 1..200 ms ≈ 18 + 1 EXPIRE), possibly × 2 if the minute rolled over.
    assert.ok(commands <= 2 * 6 * 20, `${commands} commands for 6000 operations`);
  });

  it("swallows flush errors so callers never see them", async () => {
    const broken = rawClient("redis://127.0.0.1:1");
    broken.on("error", () => undefined);
    bindMetricsSink({ redis: broken, prefix });
    recordLatency("embed", 2);
    await flushMetrics(); // must resolve
    broken.disconnect();
    bindMetricsSink({ redis, prefix });
  });
});
