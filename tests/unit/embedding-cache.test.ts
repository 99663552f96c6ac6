import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withRecentCache } from "@/lib/embeddings/recent-cache";
import type { EmbeddingProvider } from "@/lib/embeddings";

/** Counts what reaches the model; vectors encode the text length so results can be checked. */
function countingEmbedder() {
  const seen: string[][] = [];
  const inner: EmbeddingProvider = {
    id: "test:counting",
    dims: 2,
    async embed(texts) {
      seen.push(texts);
      return texts.map((t) => Float32Array.from([t.length, 1]));
    },
    status: () => ({ provider: "local", model: "counting", dims: 2, loaded: true }),
    warmUp: async () => {},
  };
  return { inner, seen };
}

describe("recent embedding cache", () => {
  it("embeds a text once and serves the repeat (store, then recall, in one turn)", async () => {
    const { inner, seen } = countingEmbedder();
    const e = withRecentCache(inner);
    const [a] = await e.embed(["I adopted a cat named Biscuit"]);
    const [b] = await e.embed(["I adopted a cat named Biscuit"]);
    assert.deepEqual([...b!], [...a!]);
    assert.equal(seen.length, 1);
  });

  it("sends only the missing texts, once each, and keeps the caller's order", async () => {
    const { inner, seen } = countingEmbedder();
    const e = withRecentCache(inner);
    await e.embed(["aa"]);
    const out = await e.embed(["bbb", "aa", "bbb", "c"]);
    assert.deepEqual(
      out.map((v) => v[0]),
      [3, 2, 3, 1],
    );
    assert.deepEqual(seen[1], ["bbb", "c"]);
  });

  it("hands out copies, so mutating a result cannot corrupt the cache", async () => {
    const { inner } = countingEmbedder();
    const e = withRecentCache(inner);
    const [v] = await e.embed(["hello"]);
    v![0] = 999;
    const [again] = await e.embed(["hello"]);
    assert.equal(again![0], 5);
  });

  it("forgets the least recently used text beyond its size", async () => {
    const { inner, seen } = countingEmbedder();
    const e = withRecentCache(inner, 2);
    await e.embed(["one"]);
    await e.embed(["two"]);
    await e.embed(["one"]); // touch: "two" is now the oldest
    await e.embed(["three"]); // evicts "two"
    await e.embed(["one"]);
    assert.equal(seen.flat().filter((t) => t === "one").length, 1);
    await e.embed(["two"]);
    assert.equal(seen.flat().filter((t) => t === "two").length, 2);
  });

  it("a cached text evicted by concurrent calls while this one awaits the model is still answered", async () => {
    // The model answers slowly, so other calls run (and evict) while the first one waits.
    const inner: EmbeddingProvider = {
      id: "test:slow",
      dims: 2,
      async embed(texts) {
        await new Promise((r) => setTimeout(r, texts.includes("new text") ? 60 : 5));
        return texts.map((t) => Float32Array.from([t.length, 1]));
      },
      status: () => ({ provider: "local", model: "slow", dims: 2, loaded: true }),
      warmUp: async () => {},
    };
    const e = withRecentCache(inner, 2);
    await e.embed(["kept"]);
    const first = e.embed(["kept", "new text"]); // "kept" is cached when the call starts
    const others = Promise.all(["a", "bb", "ccc"].map((t) => e.embed([t]))); // evict "kept" meanwhile
    const [kept, fresh] = await first;
    await others;
    assert.deepEqual([...kept!], [4, 1]);
    assert.deepEqual([...fresh!], [8, 1]);
  });
});
