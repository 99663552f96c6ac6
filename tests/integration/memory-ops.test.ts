import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { isAppError } from "@/lib/errors";
import { createMemory, createMemoryContext } from "@/lib/memory";
import { reindexAll, type ReindexProgress } from "@/lib/memory/ops/reindex";
import { createRedisClient } from "@/lib/redis/client";
import { hashBagEmbedder, memoryOptions } from "../helpers/memory";
import { deletePrefix, keysWithPrefix, rawClient, testServers, uniquePrefix } from "../helpers/servers";

const { available, missing } = testServers();
for (const reason of missing) it(`memory:reindex on ${reason.split(" ")[0]}`, { skip: reason }, () => undefined);

class Interrupt extends Error {}

for (const server of available) {
  describe(`memory:reindex on ${server.name} (${server.engine})`, () => {
    let redis: Redis;
    let raw: Redis;
    const prefix = uniquePrefix(`reindex-${server.name}`);
    before(() => {
      redis = createRedisClient({ url: server.url, name: "mindmate-reindex-test" });
      raw = rawClient(server.url);
    });
    after(async () => {
      await createMemoryContext(memoryOptions(server, redis, prefix)).engine.dropAll();
      await deletePrefix(raw, prefix);
      redis.disconnect();
      raw.disconnect();
    });

    it("switches to a new embedder, survives interruptions in every phase, writes each memory once", async () => {
      const oldModel = hashBagEmbedder({ id: "test:old-model", dims: 384 });
      const newModel = hashBagEmbedder({ id: "test:new-model", dims: 256 });
      const memory = createMemory(memoryOptions(server, redis, prefix, { embedder: oldModel }));
      await memory.init();
      const users = [301, 302, 303];
      for (const u of users) {
        for (let i = 0; i < 50; i++)
          await memory.appendMessage({
            userId: u,
            role: "user",
            content: `user ${u} fact ${i} topic${i % 7} color${i % 5}`,
            meta: { i: String(i) },
          });
      }
      await memory.appendMessage({ userId: 301, role: "user", content: "I keep bees on the roof" });
      memory.close();

      const ctx = createMemoryContext(memoryOptions(server, redis, prefix, { embedder: newModel }));
      await assert.rejects(
        ctx.engine.ensureIndex(),
        (e) => isAppError(e, "config:vector"),
        "the old index refuses the new model",
      );

      const phases: string[] = [];
      const interruptAt = (phase: ReindexProgress["phase"], after: number) => (p: ReindexProgress) => {
        phases.push(p.phase);
        if (p.phase === phase && p.done >= after) throw new Interrupt(`stop in ${phase}`);
      };
      await assert.rejects(reindexAll(ctx, interruptAt("snapshot", 60)), Interrupt);
      assert.equal(await ctx.engine.count(), 151, "an interrupted snapshot leaves the old index alone");
      await assert.rejects(reindexAll(ctx, interruptAt("rebuild", 64)), Interrupt);
      assert.ok((await ctx.engine.count()) < 151, "stopped half-way through the rebuild");
      const result = await reindexAll(ctx);
      assert.equal(result.resumed, true);
      assert.equal(result.total, 151);
      assert.ok(phases.includes("drop"));

      assert.equal(await ctx.engine.count(), 151, "every memory exactly once");
      for (const u of users) assert.equal(await ctx.engine.count(u), u === 301 ? 51 : 50);
      await ctx.engine.ensureIndex(); // the index now belongs to the new model
      assert.deepEqual(await keysWithPrefix(raw, `${prefix}reindex:`), [], "progress keys removed");

      const fresh = createMemory(memoryOptions(server, redis, prefix, { embedder: newModel }));
      await fresh.init();
      const hits = (await fresh.recall({ userId: 301, query: "bees roof", mode: "dense", k: 1 })).hits;
      assert.equal(hits[0]?.content, "I keep bees on the roof");
      const listed = await fresh.listMemories(302, { limit: 100 });
      assert.equal(new Set(listed.items.map((m) => m.id)).size, 50);
      assert.ok(
        listed.items.every((m) => m.meta?.i !== undefined),
        "meta survives",
      );
      const calls = newModel.texts;
      // +1: the first batch after the resume re-embeds its neighbour (the context, lib/memory/contextual.ts)
      assert.equal(
        calls,
        151 + 1 + 1,
        "each memory embedded once by the new model (+1 neighbour after the resume, +1 query)",
      );
      fresh.close();
    });
  });
}
