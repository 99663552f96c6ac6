import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  bucketIndex,
  bucketUpper,
  bucketValue,
  MAX_BUCKET,
  MIN_MS,
  mergeHistogram,
  quantile,
  type Histogram,
} from "@/lib/metrics/buckets";

describe("latency buckets", () => {
  it("puts every value in the bucket whose range contains it", () => {
    for (const ms of [0.011, 0.5, 1, 1.19, 3.7, 12, 99.9, 250, 1000, 4321, 60000]) {
      const i = bucketIndex(ms);
      assert.ok(bucketUpper(i) >= ms * (1 - 1e-9), `upper(${i})=${bucketUpper(i)} < ${ms}`);
      assert.ok(bucketUpper(i - 1) < ms, `upper(${i - 1})=${bucketUpper(i - 1)} ≥ ${ms}`);
    }
  });

  it("reports a bucket's value within 10 % of any sample in it", () => {
    for (let ms = 0.02; ms < 100000; ms *= 1.07) {
      const v = bucketValue(bucketIndex(ms));
      assert.ok(Math.abs(v - ms) / ms < 0.1, `${ms} → ${v}`);
    }
  });

  it("clamps tiny, huge, zero and non-finite values", () => {
    assert.equal(bucketIndex(0), 0);
    assert.equal(bucketIndex(MIN_MS / 2), 0);
    assert.equal(bucketIndex(1e12), MAX_BUCKET);
    assert.equal(bucketIndex(Infinity), MAX_BUCKET);
    assert.equal(bucketIndex(NaN), 0);
  });

  it("is monotonic", () => {
    let last = -1;
    for (let ms = 0.001; ms < 1e7; ms *= 1.03) {
      const i = bucketIndex(ms);
      assert.ok(i >= last);
      last = i;
    }
  });
});

describe("quantiles from histograms", () => {
  it("finds p50/p95/p99 of a known distribution within bucket error", () => {
    const h: Histogram = new Map();
    // 1..1000 ms, one sample each: true p50 = 500, p95 = 950, p99 = 990.
    for (let ms = 1; ms <= 1000; ms++) mergeHistogram(h, [[bucketIndex(ms), 1]]);
    for (const [q, truth] of [
      [0.5, 500],
      [0.95, 950],
      [0.99, 990],
    ] as const) {
      const v = quantile(h, q)!;
      assert.ok(Math.abs(v - truth) / truth < 0.1, `q${q}: ${v} vs ${truth}`);
    }
  });

  it("is undefined for an empty histogram and exact-bucket for one sample", () => {
    assert.equal(quantile(new Map(), 0.5), undefined);
    const h: Histogram = new Map([[bucketIndex(42), 1]]);
    assert.equal(quantile(h, 0.99), bucketValue(bucketIndex(42)));
  });

  it("merges counts of the same bucket", () => {
    const h = mergeHistogram(new Map([[3, 2]]), [
      [3, 5],
      [4, 1],
    ]);
    assert.deepEqual([...h.entries()].sort(), [
      [3, 7],
      [4, 1],
    ]);
  });
});
