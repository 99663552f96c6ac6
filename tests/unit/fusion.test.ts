import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EngineHit } from "@/lib/memory/engines/types";
import { fuse, FUSION_DEFAULTS, minmaxFusion, rrf } from "@/lib/memory/fusion";

const hit = (id: string, score: number): EngineHit => ({
  record: { id, userId: 1, role: "user", content: id, ts: 0 },
  score,
});

describe("rrf", () => {
  it("sums 1 / (k + rank) over lists", () => {
    const out = rrf(
      [
        ["a", "b"],
        ["b", "c"],
      ],
      60,
    );
    assert.deepEqual(
      out.map((x) => x.id),
      ["b", "a", "c"],
    );
    assert.ok(Math.abs(out[0]!.score - (1 / 62 + 1 / 61)) < 1e-12);
    assert.ok(Math.abs(out[1]!.score - 1 / 61) < 1e-12);
  });

  it("weights scale a list's contribution; weight 0 ignores it", () => {
    assert.equal(rrf([["a"], ["b"]], 60, [1, 2])[0]!.id, "b");
    assert.deepEqual(
      rrf([["a"], ["b"]], 60, [0, 1]).map((x) => x.id),
      ["b"],
    );
  });

  it("a duplicate within one list counts once; ties break by id", () => {
    const out = rrf([["x", "x"], ["y"]], 10);
    assert.deepEqual(
      out.map((x) => x.id),
      ["x", "y"],
    );
    assert.equal(out[0]!.score, out[1]!.score);
  });

  it("smaller k trusts the top ranks more", () => {
    // a: rank 1 in list 1, absent in list 2; b: rank 3 in both
    const lists = [
      ["a", "q", "b"],
      ["r", "s", "b"],
    ];
    assert.equal(rrf(lists, 1)[0]!.id, "a");
    assert.equal(rrf(lists, 60)[0]!.id, "b");
  });
});

describe("fuse", () => {
  it("keeps each record once, carries the dense cosine as similarity, respects limit", () => {
    const dense = [hit("a", 0.9), hit("b", 0.8)];
    const lexical = [hit("b", 7.5), hit("c", 3)];
    const out = fuse(dense, lexical, { k: 60, weights: { dense: 1, lexical: 1 } });
    assert.deepEqual(
      out.map((h) => h.record.id),
      ["b", "a", "c"],
    );
    assert.equal(out[0]!.similarity, 0.8);
    assert.equal(out[2]!.similarity, undefined, "lexical-only hit has no cosine");
    assert.equal(fuse(dense, lexical, { limit: 2 }).length, 2);
  });

  it("rrf keeps its tuned defaults (dense weighted below lexical)", () => {
    assert.ok(FUSION_DEFAULTS.weights.dense < FUSION_DEFAULTS.weights.lexical);
    const out = fuse([hit("d", 0.9)], [hit("l", 5)], { method: "rrf" });
    assert.equal(out[0]!.record.id, "l", "equal ranks: lexical wins with the default weights");
    assert.ok(Math.abs(out[0]!.score - 1 / (FUSION_DEFAULTS.k + 1)) < 1e-12);
  });

  it("defaults to min-max fusion with the dense share below one half", () => {
    assert.equal(FUSION_DEFAULTS.method, "minmax");
    assert.ok(FUSION_DEFAULTS.alpha > 0 && FUSION_DEFAULTS.alpha < 0.5);
    const out = fuse([hit("d", 0.9), hit("x", 0.5)], [hit("l", 9), hit("y", 1)]);
    assert.equal(out[0]!.record.id, "l", "both tops scale to 1: lexical's larger share wins");
    assert.ok(Math.abs(out[0]!.score - (1 - FUSION_DEFAULTS.alpha)) < 1e-12);
  });

  it("keeps BM25's best match first (pinLexicalTop), the rest in fused order", () => {
    const dense = [hit("a", 0.9), hit("b", 0.85), hit("c", 0.1)];
    const lexical = [hit("c", 2), hit("b", 1.9), hit("z", 0.1)];
    assert.equal(fuse(dense, lexical, { pinLexicalTop: false })[0]!.record.id, "b");
    assert.deepEqual(
      fuse(dense, lexical).map((h) => h.record.id),
      ["c", "b", "a", "z"],
    );
    assert.deepEqual(
      fuse(dense, [], {}).map((h) => h.record.id),
      ["a", "b", "c"],
      "nothing to pin without lexical hits",
    );
  });
});

describe("minmaxFusion", () => {
  it("keeps score gaps: a record second in both lists beats one first in only one", () => {
    const dense = [hit("a", 0.9), hit("b", 0.88), hit("z", 0.1)];
    const lexical = [hit("c", 10), hit("b", 9.5), hit("y", 1)];
    assert.equal(minmaxFusion(dense, lexical, 0.5)[0]!.id, "b");
    // …but a record far behind in one list is not rescued by being second in the other
    const far = minmaxFusion(
      [hit("a", 0.9), hit("b", 0.2), hit("z", 0.1)],
      [hit("c", 10), hit("b", 5), hit("y", 1)],
      0.5,
    );
    assert.deepEqual(
      far
        .slice(0, 2)
        .map((x) => x.id)
        .sort(),
      ["a", "c"],
    );
  });

  it("alpha 1 is the dense order and alpha 0 the lexical order; out-of-range alpha is clamped", () => {
    const dense = [hit("a", 0.9), hit("b", 0.5), hit("c", 0.1)];
    const lexical = [hit("c", 3), hit("b", 2), hit("a", 1)];
    assert.deepEqual(
      minmaxFusion(dense, lexical, 1).map((x) => x.id),
      ["a", "b", "c"],
    );
    assert.deepEqual(
      minmaxFusion(dense, lexical, 0).map((x) => x.id),
      ["c", "b", "a"],
    );
    assert.deepEqual(
      minmaxFusion(dense, lexical, 7).map((x) => x.id),
      ["a", "b", "c"],
    );
  });

  it("a list of equal scores counts fully for each of its records", () => {
    const out = minmaxFusion([hit("a", 0.3), hit("b", 0.3)], [], 0.4);
    assert.deepEqual(
      out.map((x) => [x.id, x.score]),
      [
        ["a", 0.4],
        ["b", 0.4],
      ],
    );
  });

  it("empty inputs give empty output; one empty list passes the other through in order", () => {
    assert.deepEqual(fuse([], []), []);
    assert.deepEqual(
      fuse([], [hit("x", 2), hit("y", 1)]).map((h) => h.record.id),
      ["x", "y"],
    );
  });
});
