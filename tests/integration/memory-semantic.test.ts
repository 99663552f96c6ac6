import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { createMemoryContext } from "@/lib/memory";
import { dot } from "@/lib/embeddings/types";
import { createRedisClient } from "@/lib/redis/client";
import { modelSkipReason, testEmbedder } from "../helpers/embedder";
import { memoryOptions, testMemory } from "../helpers/memory";
import { deletePrefix, rawClient, testServers, uniquePrefix } from "../helpers/servers";

/** Recall quality with the REAL all-MiniLM-L6-v2: paraphrased questions must find the right fact. */

const facts = [
  "My sister Maria lives in Barcelona and works as an architect.",
  "I have a golden retriever called Biscuit who is afraid of thunder.",
  "I'm training for the Berlin marathon in September.",
  "My favourite dish is my grandmother's mushroom risotto.",
  "I work night shifts as a nurse at the children's hospital.",
  "Last year I started learning to play the cello.",
];
const distractors = ["ok", "thanks!", "haha yes", "what do you think?", "good morning"];
const questions: [string, number][] = [
  ["where does my sibling live?", 0],
  ["what pet do I have?", 1],
  ["which race am I preparing for?", 2],
  ["what food do I love most?", 3],
  ["what is my job?", 4],
  ["which instrument am I learning?", 5],
];

const { available, missing } = testServers();
for (const reason of missing) it(`semantic recall on ${reason.split(" ")[0]}`, { skip: reason }, () => undefined);

describe("embedding window", { skip: modelSkipReason }, () => {
  it("text beyond 256 tokens does not change the embedding (stored whole, embedded truncated)", async () => {
    const e = testEmbedder();
    const head =
      "I love hiking in the Alps with my brother. " + Array.from({ length: 300 }, (_, i) => `filler${i}`).join(" ");
    const [a, b, c] = await e.embed([
      head,
      head + " Also, my cat is called Pixel and she hates water.",
      "my cat is called Pixel",
    ]);
    assert.ok(dot(a!, b!) > 0.9999, `similarity ${dot(a!, b!)}: the tail past the window is ignored`);
    assert.ok(dot(b!, c!) < 0.5, "the tail's topic is not in the vector");
  });
});

for (const server of available) {
  describe(
    `semantic recall on ${server.name} (${server.engine}) with the real model`,
    { skip: modelSkipReason },
    () => {
      let redis: Redis;
      const prefix = uniquePrefix(`sem-${server.name}`);
      before(() => {
        redis = createRedisClient({ url: server.url });
      });
      after(async () => {
        await createMemoryContext(memoryOptions(server, redis, prefix, { embedder: testEmbedder() })).engine.dropAll();
        const raw = rawClient(server.url);
        await deletePrefix(raw, prefix);
        raw.disconnect();
        redis.disconnect();
      });

      it("paraphrased questions recall the right fact in dense and hybrid mode; other users never leak", async () => {
        const memory = await testMemory(server, redis, prefix, { embedder: testEmbedder() });
        for (const [i, f] of facts.entries()) {
          await memory.appendMessage({ userId: 901, role: "user", content: f });
          await memory.appendMessage({ userId: 901, role: "assistant", content: distractors[i % distractors.length]! });
        }
        await memory.appendMessage({ userId: 902, role: "user", content: "My brother lives in Lisbon." });
        for (const [q, want] of questions) {
          for (const mode of ["dense", "hybrid"] as const) {
            const r = await memory.recall({ userId: 901, query: q, k: 3, mode });
            assert.equal(
              r.hits[0]?.content,
              facts[want],
              `${mode}: "${q}" → ${r.hits.map((h) => h.content).join(" | ")}`,
            );
            assert.ok(r.hits.every((h) => h.userId === 901));
          }
        }
        const strict = await memory.recall({
          userId: 901,
          query: "what pet do I have?",
          k: 5,
          mode: "dense",
          minScore: 0.35,
        });
        assert.ok(strict.hits.length >= 1 && strict.hits.every((h) => h.similarity! >= 0.35));
        assert.ok(!strict.hits.some((h) => distractors.includes(h.content)), "small talk is below the threshold");
        const global = await memory.recall({ query: "where does my sibling live?", k: 2, mode: "dense" });
        assert.deepEqual(new Set(global.hits.map((h) => h.userId)), new Set([901, 902]));
        memory.close();
      });
    },
  );
}
