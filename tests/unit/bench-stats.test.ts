import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { conversation } from "@/bench/lib/corpus";
import { renderTable } from "@/bench/lib/report";
import { percentile, summarize } from "@/bench/lib/stats";
import { VectorBank } from "@/bench/lib/vectors";

describe("bench statistics", () => {
  it("uses nearest-rank percentiles: real observed values, no interpolation", () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    assert.equal(percentile(xs, 50), 50);
    assert.equal(percentile(xs, 99), 99);
    assert.equal(percentile(xs, 100), 100);
    assert.equal(percentile([7], 99), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  it("summarizes unsorted samples", () => {
    const s = summarize([5, 1, 4, 2, 3]);
    assert.deepEqual([s.n, s.min, s.max, s.p50, s.mean], [5, 1, 5, 3, 3]);
  });

  it("renders Markdown tables with pipes escaped", () => {
    assert.equal(renderTable({ headers: ["a", "b"], rows: [["x|y", 1]] }), "| a | b |\n| --- | ---: |\n| x\\|y | 1 |");
  });
});

describe("bench corpus and vectors", () => {
  it("is reproducible for a seed and realistic in length", () => {
    const a = conversation(200, 3);
    assert.deepEqual(a, conversation(200, 3));
    const mean = (r: string) => {
      const x = a.filter((m) => m.role === r).map((m) => m.content.length);
      return x.reduce((s, v) => s + v, 0) / x.length;
    };
    assert.ok(mean("user") > 40 && mean("user") < 160, `user mean ${mean("user")}`);
    assert.ok(mean("assistant") > 150 && mean("assistant") < 600, `assistant mean ${mean("assistant")}`);
  });

  it("gives unit vectors near their anchor, the same for the same text", () => {
    const anchor = new Float32Array(384);
    anchor[0] = 1;
    const bank = new VectorBank("real", [anchor], 384);
    const v = bank.get("hello");
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    assert.ok(Math.abs(norm - 1) < 1e-5);
    assert.ok(v[0]! > 0.85 && v[0]! < 0.95, `cosine to anchor ${v[0]}`);
    assert.deepEqual(bank.get("hello"), v);
    assert.notDeepEqual(bank.get("other"), v);
  });
});
