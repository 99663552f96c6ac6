import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EngineHit } from "@/lib/memory/engines/types";
import { fuse, FUSION_DEFAULTS, rrf } from "@/lib/memory/fusion";

const hit = (id: string, score: number): EngineHit => ({ record: { id, userId: 1, role: "user", content: id, ts: 0 }, score });

describe("rrf", () => {
  it("sums 1 / (k + rank) over lists", () => {
    const out = rrf([["a", "b"], ["b", "c"]], 60);
    assert.deepEqual(out.map((x) => x.id), ["b", "a", "c"]);
    assert.ok(Math.abs(out[0]!.score - (1 / 62 + 1 / 61)) < 1e-12);
    assert.ok(Math.abs(out[1]!.score - 1 / 61) < 1e-12);
  });

  it("weights scale a list's contribution; weight 0 ignores it", () => {
    assert.equal(rrf([["a"], ["b"]], 60, [1, 2])[0]!.id, "b");
    assert.deepEqual(rrf([["a"], ["b"]], 60, [0, 1]).map((x) => x.id), ["b"]);
  });

  it("a duplicate within one list counts once; ties break by id", () => {
    const out = rrf([["x", "x"], ["y"]], 10);
    assert.deepEqual(out.map((x) => x.id), ["x", "y"]);
    assert.equal(out[0]!.score, out[1]!.score);
  });

  it("smaller k trusts the top ranks more", () => {
    // a: rank 1 in list 1, absent in list 2; b: rank 3 in both
    const lists = [["a", "q", "b"], ["r", "s", "b"]];
    assert.equal(rrf(lists, 1)[0]!.id, "a");
    assert.equal(rrf(lists, 60)[0]!.id, "b");
  });
});

describe("fuse", () => {
  it("keeps each record once, carries the dense cosine as similarity, respects limit", () => {
    const dense = [hit("a", 0.9), hit("b", 0.8)];
    const lexical = [hit("b", 7.5), hit("c", 3)];
    const out = fuse(dense, lexical, { k: 60, weights: { dense: 1, lexical: 1 } });
    assert.deepEqual(out.map((h) => h.record.id), ["b", "a", "c"]);
    assert.equal(out[0]!.similarity, 0.8);
    assert.equal(out[2]!.similarity, undefined, "lexical-only hit has no cosine");
    assert.equal(fuse(dense, lexical, { limit: 2 }).length, 2);
  });

  it("uses the tuned defaults (dense weighted below lexical)", () => {
    assert.ok(FUSION_DEFAULTS.weights.dense < FUSION_DEFAULTS.weights.lexical);
    const out = fuse([hit("d", 0.9)], [hit("l", 5)]);
    assert.equal(out[0]!.record.id, "l", "equal ranks: lexical wins with the default weights");
    assert.ok(Math.abs(out[0]!.score - 1 / (FUSION_DEFAULTS.k + 1)) < 1e-12);
  });

  it("empty inputs give empty output; one empty list passes the other through in order", () => {
    assert.deepEqual(fuse([], []), []);
    assert.deepEqual(fuse([], [hit("x", 2), hit("y", 1)]).map((h) => h.record.id), ["x", "y"]);
  });
});
