import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { isAppError } from "@/lib/errors";
import { createMemory, createMemoryContext } from "@/lib/memory";
import { contextFor, EMBED_SCHEME } from "@/lib/memory/contextual";
import { reindexAll } from "@/lib/memory/ops/reindex";
import { createRedisClient } from "@/lib/redis/client";
import { previousMessageContext } from "@/lib/chat/neighbour";
import { memoryOptions } from "../helpers/memory";
import { deletePrefix, rawClient, testServers, uniquePrefix } from "../helpers/servers";

/** AppendInput.context (issue 14): neighbour text mixed into the vector; scheme in the index meta; reindex rebuilds it. */

const { available, missing } = testServers();
for (const reason of missing) it(`contextual memories on ${reason.split(" ")[0]}`, { skip: reason }, () => undefined);

const T0 = Date.UTC(2026, 0, 5, 10);
const CONVERSATION = [
  "where did you go hiking last summer",
  "Yosemite twice with my sister",
  "which trail did you like most",
  "the Mist Trail waterfall",
];

for (const server of available) {
  describe(`contextual memories on ${server.name} (${server.engine})`, () => {
    let redis: Redis;
    let raw: Redis;
    const prefix = uniquePrefix(`ctxmem-${server.name}`);
    before(() => {
      redis = createRedisClient({ url: server.url, name: "mindmate-ctxmem-test" });
      raw = rawClient(server.url);
    });
    after(async () => {
      await createMemoryContext(memoryOptions(server, redis, prefix)).engine.dropAll();
      await deletePrefix(raw, prefix);
      redis.disconnect();
      raw.disconnect();
    });

    /** Stores CONVERSATION for a user, each message with the previous one as context (the bot's rule). */
    async function store(memory: ReturnType<typeof createMemory>, userId: number, withContext: boolean) {
      let previous: { content: string; ts: number } | undefined;
      for (const [i, content] of CONVERSATION.entries()) {
        const ts = T0 + i * 60_000;
        await memory.appendMessage({
          userId,
          role: i % 2 ? "user" : "assistant",
          content,
          at: new Date(ts),
          context: withContext ? contextFor(previous, ts) : undefined,
        });
        previous = { content, ts };
      }
    }

    const similarityOf = async (
      memory: ReturnType<typeof createMemory>,
      userId: number,
      query: string,
      content: string,
    ) =>
      (await memory.recall({ userId, query, mode: "dense", k: 10 })).hits.find((h) => h.content === content)
        ?.similarity ?? 0;

    it("context changes only the vector: the answer is found by its question's words, content unchanged", async () => {
      const memory = createMemory(memoryOptions(server, redis, prefix));
      await memory.init();
      await store(memory, 501, true);
      await store(memory, 502, false);
      const withCtx = await similarityOf(memory, 501, "hiking last summer", "Yosemite twice with my sister");
      const without = await similarityOf(memory, 502, "hiking last summer", "Yosemite twice with my sister");
      assert.ok(withCtx > 0.3, `the answer carries its question: ${withCtx}`);
      assert.ok(Math.abs(without) < 0.2, `no shared words without context: ${without}`);
      const listed = await memory.listMemories(501, { limit: 10 });
      assert.deepEqual(
        listed.items.map((m) => m.content).reverse(),
        CONVERSATION,
        "stored content is the message alone",
      );
      assert.ok(
        listed.items.every((m) => m.meta === undefined),
        "nothing stored per message for the context",
      );
      memory.close();
    });

    it("the bot's context for a new message is the previous message of the chat, if at most 6 h old", async () => {
      const memory = createMemory(memoryOptions(server, redis, prefix));
      await memory.init();
      assert.equal(await previousMessageContext(memory, 505), undefined, "first message: no context");
      await memory.appendMessage({ userId: 505, role: "assistant", content: "how was the concert?" });
      assert.equal(await previousMessageContext(memory, 505), "how was the concert?");
      await memory.appendMessage({
        userId: 506,
        role: "assistant",
        content: "old reply",
        at: new Date(Date.now() - 7 * 3_600_000),
      });
      assert.equal(
        await previousMessageContext(memory, 506),
        undefined,
        "after a long pause the message starts afresh",
      );
      memory.close();
    });

    it("an index of another scheme is refused (config:vector) until memory:reindex rebuilds the same vectors", async () => {
      const memory = createMemory(memoryOptions(server, redis, prefix));
      await memory.init();
      await store(memory, 503, true);
      const before = await similarityOf(memory, 503, "which trail waterfall", "the Mist Trail waterfall");
      const beforeAnswer = await similarityOf(memory, 503, "hiking last summer", "Yosemite twice with my sister");
      memory.close();

      const ctx = createMemoryContext(memoryOptions(server, redis, prefix));
      await raw.hdel(ctx.keys.memoryGlobal("meta"), "scheme"); // an index made before the scheme was recorded
      await assert.rejects(ctx.engine.ensureIndex(), (e: unknown) => {
        assert.ok(isAppError(e, "config:vector"), `config:vector, got ${String(e)}`);
        assert.match((e as Error).message, new RegExp(`scheme plain → ${EMBED_SCHEME}.*memory:reindex`));
        return true;
      });

      await reindexAll(ctx);
      await ctx.engine.ensureIndex();
      const fresh = createMemory(memoryOptions(server, redis, prefix));
      await fresh.init();
      const after = await similarityOf(fresh, 503, "which trail waterfall", "the Mist Trail waterfall");
      const afterAnswer = await similarityOf(fresh, 503, "hiking last summer", "Yosemite twice with my sister");
      assert.ok(
        Math.abs(after - before) < 1e-3 && Math.abs(afterAnswer - beforeAnswer) < 1e-3,
        `same vectors after reindex: ${before}/${after}, ${beforeAnswer}/${afterAnswer}`,
      );
      assert.ok(afterAnswer > 0.3, "the neighbour was found again from the stored order");

      // export → import: vectors of the current scheme are reused; an older export's are re-embedded with context
      const exported = await fresh.exportUser(503, { vectors: true });
      assert.ok(exported.memories.every((m) => m.scheme === EMBED_SCHEME && m.vector));
      const legacy = {
        ...exported,
        userId: 504,
        memories: exported.memories.map((m) => ({
          ...m,
          scheme: undefined,
          vector: Buffer.from(new Float32Array(384).fill(0.05).buffer).toString("base64"),
        })),
      };
      await fresh.importUser(legacy);
      const imported = await similarityOf(fresh, 504, "hiking last summer", "Yosemite twice with my sister");
      assert.ok(
        Math.abs(imported - afterAnswer) < 1e-3,
        `plain-scheme vectors were not reused but rebuilt with context: ${imported} vs ${afterAnswer}`,
      );
      fresh.close();
    });
  });
}
