import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { isAppError } from "@/lib/errors";
import { createMemory, createMemoryContext } from "@/lib/memory";
import { contextFor } from "@/lib/memory/contextual";
import { TRUNCATION_MARKER } from "@/lib/memory/text";
import { createRedisClient } from "@/lib/redis/client";
import { hashBagEmbedder, memoryOptions, roundTripCounter, testMemory } from "../helpers/memory";
import {
  deletePrefix,
  keysWithPrefix,
  rawClient,
  testServers,
  uniquePrefix,
  type TestServer,
} from "../helpers/servers";

const { available, missing } = testServers();
for (const reason of missing) it(`memory facade on ${reason.split(" ")[0]}`, { skip: reason }, () => undefined);

/** Every string a key holds (names, members, fields, values), to prove a user is gone. */
async function keyspaceText(raw: Redis, prefix: string): Promise<string> {
  const parts: string[] = [];
  for (const key of await keysWithPrefix(raw, prefix)) {
    parts.push(key);
    const type = await raw.type(key);
    if (type === "string") parts.push((await raw.getBuffer(key))?.toString("latin1") ?? "");
    else if (type === "list") parts.push(...(await raw.lrange(key, 0, -1)));
    else if (type === "set") parts.push(...(await raw.smembers(key)));
    else if (type === "zset") parts.push(...(await raw.zrange(key, 0, "-1")));
    else if (type === "hash")
      for (const [f, v] of Object.entries(await raw.hgetallBuffer(key))) parts.push(f, v.toString("latin1"));
    else if (type === "ReJSON-RL") parts.push(String(await raw.call("JSON.GET", key)));
    else if (type === "vectorset") parts.push(...((await raw.call("VRANDMEMBER", key, 100000)) as string[]));
    else parts.push(`<${type}>`);
  }
  return parts.join("\n");
}

for (const server of available) {
  describe(`memory facade on ${server.name} (${server.engine})`, () => {
    let redis: Redis;
    let raw: Redis;
    const prefixes: string[] = [];
    const opened: { close(): void }[] = [];
    const make = async (over: Parameters<typeof testMemory>[3] = {}) => {
      const prefix = uniquePrefix(`mem-${server.name}`);
      prefixes.push(prefix);
      const memory = await testMemory(server, redis, prefix, over);
      opened.push(memory);
      return { memory, prefix };
    };

    before(() => {
      redis = createRedisClient({ url: server.url, name: "mindmate-test" });
      redis.setMaxListeners(50); // each facade of this file listens for "ready" on the shared client until after()
      raw = rawClient(server.url);
    });
    after(async () => {
      for (const m of opened) m.close();
      for (const prefix of prefixes) {
        await createMemoryContext(memoryOptions(server as TestServer, redis, prefix)).engine.dropAll();
        await deletePrefix(raw, prefix);
      }
      redis.disconnect();
      raw.disconnect();
    });

    it("appendMessage is ONE round trip after embedding; getHistory is ONE (also with before)", async () => {
      const { memory } = await make();
      await memory.appendMessage({ userId: 11, role: "user", content: "warm up the connection" });
      const rt = roundTripCounter(redis);
      try {
        const m = await memory.appendMessage({
          userId: 11,
          role: "user",
          content: "I adopted a cat named Miso",
          profile: { firstName: "Ana" },
        });
        assert.equal(rt.count, 1, "appendMessage round trips");
        rt.reset();
        await memory.appendMessage({
          userId: 11,
          role: "assistant",
          content: "Lovely!",
          usage: { promptTokens: 10, completionTokens: 3 },
        });
        assert.equal(rt.count, 1, "assistant append round trips");
        rt.reset();
        const h = await memory.getHistory(11, 10);
        assert.equal(rt.count, 1, "getHistory round trips");
        rt.reset();
        await memory.getHistory(11, 10, { before: m.id });
        assert.equal(rt.count, 1, "getHistory(before) round trips");
        assert.deepEqual(
          h.map((x) => x.content),
          ["warm up the connection", "I adopted a cat named Miso", "Lovely!"],
        );
      } finally {
        rt.restore();
      }
    });

    it("history: oldest first, unique time-sortable ids, capped at historyMax, TTL refreshed", async () => {
      const { memory, prefix } = await make({ historyMax: 5, ttlDays: 2 });
      const sent = [];
      for (let i = 0; i < 8; i++)
        sent.push(
          await memory.appendMessage({
            userId: 12,
            role: i % 2 ? "assistant" : "user",
            content: `message ${i}`,
            tgMessageId: 100 + i,
          }),
        );
      assert.equal(new Set(sent.map((m) => m.id)).size, 8);
      assert.deepEqual(
        [...sent.map((m) => m.id)].sort(),
        sent.map((m) => m.id),
      );
      assert.equal(await raw.llen(`${prefix}h:12`), 5);
      const h = await memory.getHistory(12);
      assert.deepEqual(
        h.map((m) => m.content),
        ["message 3", "message 4", "message 5", "message 6", "message 7"],
      );
      assert.equal(h[0]!.tgMessageId, 103);
      assert.equal(h[0]!.role, "assistant");
      assert.equal(h[1]!.role, "user");
      assert.ok(!Number.isNaN(Date.parse(h[0]!.ts)));
      const ttl = await raw.ttl(`${prefix}h:12`);
      assert.ok(ttl > 2 * 86400 - 60 && ttl <= 2 * 86400, `history ttl ${ttl}`);
      const sttl = await raw.ttl(`${prefix}u:12`);
      assert.ok(sttl > 2 * 86400 - 60 && sttl <= 2 * 86400, `settings ttl ${sttl}`);
      await raw.expire(`${prefix}h:12`, 100);
      await memory.appendMessage({ userId: 12, role: "user", content: "again" });
      assert.ok((await raw.ttl(`${prefix}h:12`)) > 100, "a write refreshes the TTL");
    });

    it("getHistory pages back with before and respects limit", async () => {
      const { memory } = await make();
      const sent = [];
      for (let i = 0; i < 10; i++)
        sent.push(await memory.appendMessage({ userId: 13, role: "user", content: `m${i}` }));
      assert.deepEqual(
        (await memory.getHistory(13, 3)).map((m) => m.content),
        ["m7", "m8", "m9"],
      );
      assert.deepEqual(
        (await memory.getHistory(13, 3, { before: sent[7]!.id })).map((m) => m.content),
        ["m4", "m5", "m6"],
      );
      assert.deepEqual(
        (await memory.getHistory(13, 50, { before: sent[2]!.id })).map((m) => m.content),
        ["m0", "m1"],
      );
      assert.deepEqual(await memory.getHistory(13, 5, { before: sent[0]!.id }), []);
      assert.deepEqual(await memory.getHistory(999, 5), []);
    });

    it("settings: profile, HSETNX createdAt, counters, personal on by default, updateSettings", async () => {
      const { memory } = await make();
      const empty = await memory.getSettings(14);
      assert.equal(empty.personal, true);
      assert.equal(empty.messages, 0);
      await memory.appendMessage({
        userId: 14,
        role: "user",
        content: "hi",
        profile: { firstName: "Bo", username: "bo_b", language: "de" },
        at: new Date("2024-01-01T00:00:00Z"),
      });
      await memory.appendMessage({
        userId: 14,
        role: "assistant",
        content: "hello",
        usage: { promptTokens: 120, completionTokens: 7 },
      });
      await memory.appendMessage({
        userId: 14,
        role: "assistant",
        content: "more",
        usage: { promptTokens: 30, completionTokens: 5 },
      });
      const s = await memory.getSettings(14);
      assert.equal(s.firstName, "Bo");
      assert.equal(s.username, "bo_b");
      assert.equal(s.language, "de");
      assert.equal(s.createdAt, "2024-01-01T00:00:00.000Z", "createdAt is set once");
      assert.ok(Date.parse(s.lastSeenAt!) > Date.parse("2025-01-01"));
      assert.equal(s.messages, 3);
      assert.equal(s.promptTokens, 150);
      assert.equal(s.completionTokens, 12);
      assert.equal(s.personal, true);
      await memory.updateSettings(14, { personal: false, model: "gpt-4.1", summary: "likes tea", summaryUpTo: "abc" });
      const t = await memory.getSettings(14);
      assert.equal(t.personal, false);
      assert.equal(t.model, "gpt-4.1");
      assert.equal(t.summary, "likes tea");
      await assert.rejects(memory.updateSettings(14, { personal: "yes" } as never), (e) =>
        isAppError(e, "bad_request:memory"),
      );
    });

    it("users index: listUsers by activity, messages, id and query", async () => {
      const { memory } = await make();
      await memory.appendMessage({ userId: 21, role: "user", content: "a", profile: { username: "alice" } });
      await new Promise((r) => setTimeout(r, 5));
      await memory.appendMessage({ userId: 22, role: "user", content: "b", profile: { firstName: "Bob" } });
      await memory.appendMessage({ userId: 22, role: "user", content: "c" });
      await new Promise((r) => setTimeout(r, 5));
      await memory.appendMessage({ userId: 20, role: "user", content: "d" });
      const byActivity = await memory.listUsers();
      assert.equal(byActivity.total, 3);
      assert.deepEqual(
        byActivity.users.map((u) => u.userId),
        [20, 22, 21],
      );
      assert.ok(byActivity.users[0]!.lastActiveAt);
      assert.deepEqual(
        (await memory.listUsers({ sort: "lastActive", order: "asc", offset: 1, limit: 1 })).users.map((u) => u.userId),
        [22],
      );
      assert.deepEqual((await memory.listUsers({ sort: "messages" })).users.map((u) => u.userId)[0], 22);
      assert.deepEqual(
        (await memory.listUsers({ sort: "userId", order: "asc" })).users.map((u) => u.userId),
        [20, 21, 22],
      );
      const q = await memory.listUsers({ query: "@ALI" });
      assert.deepEqual(
        q.users.map((u) => u.userId),
        [21],
      );
      assert.equal(q.total, 1);
      await assert.rejects(memory.listUsers({ limit: 0 }), (e) => isAppError(e, "bad_request:memory"));
    });

    it("bad input: blank text, over-window text, 100 KB text, control characters, surrogates", async () => {
      const embedder = hashBagEmbedder();
      const { memory } = await make({ embedder, maxMessageChars: 16_000 });
      const callsBefore = embedder.calls;
      const blank = await memory.appendMessage({ userId: 31, role: "user", content: "  \n\t " });
      assert.equal(embedder.calls, callsBefore, "blank text is not embedded");
      assert.equal((await memory.getHistory(31)).at(-1)!.id, blank.id, "blank text is in history");
      assert.equal((await memory.listMemories(31)).total, 0, "no memory record for blank text");

      const overWindow = Array.from({ length: 1500 }, (_, i) => `word${i}`).join(" "); // far over 256 tokens
      await memory.appendMessage({ userId: 31, role: "user", content: overWindow });
      assert.equal((await memory.getHistory(31)).at(-1)!.content, overWindow, "stored whole");
      const mems = await memory.listMemories(31);
      assert.equal(mems.total, 1);
      assert.equal(mems.items[0]!.content, overWindow);

      const huge = "y".repeat(100 * 1024);
      const big = await memory.appendMessage({ userId: 31, role: "user", content: huge });
      assert.equal(big.truncated, true);
      const stored = (await memory.getHistory(31)).at(-1)!;
      assert.equal(stored.content, "y".repeat(16_000) + TRUNCATION_MARKER);
      assert.equal(stored.truncated, true);
      assert.ok((await memory.listMemories(31, { limit: 1 })).items[0]!.content.endsWith(TRUNCATION_MARKER));

      await memory.appendMessage({
        userId: 31,
        role: "user",
        content: "bell\u0007 esc\u001b[0m tab\tnl\nnul\u0000 half\uD83D pair😀",
      });
      assert.equal((await memory.getHistory(31)).at(-1)!.content, "bell esc[0m tab\tnl\nnul half\uFFFD pair😀");
    });

    it("user ids that are not positive safe integers are bad_request:memory everywhere", async () => {
      const { memory } = await make();
      for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 53, "7" as unknown as number]) {
        const isBad = (e: unknown) => isAppError(e, "bad_request:memory");
        await assert.rejects(memory.appendMessage({ userId: bad, role: "user", content: "x" }), isBad);
        await assert.rejects(memory.getHistory(bad), isBad);
        await assert.rejects(memory.getSettings(bad), isBad);
        await assert.rejects(memory.recall({ userId: bad, query: "x" }), isBad);
        await assert.rejects(memory.forget(bad), isBad);
        await assert.rejects(memory.clear(bad), isBad);
        await assert.rejects(memory.exportUser(bad), isBad);
      }
      await assert.rejects(memory.appendMessage({ userId: 1, role: "robot" as never, content: "x" }), (e) =>
        isAppError(e, "bad_request:memory"),
      );
    });

    it("recall: per user, global, excludeIds, minScore, modes, engine and time reported", async () => {
      const embedder = hashBagEmbedder();
      const { memory } = await make({ embedder });
      await memory.appendMessage({ userId: 41, role: "user", content: "my sister lives in Lisbon" });
      const cat = await memory.appendMessage({ userId: 41, role: "user", content: "my cat Miso sleeps all day" });
      await memory.appendMessage({ userId: 41, role: "assistant", content: "Miso the cat sounds adorable" });
      await memory.appendMessage({ userId: 42, role: "user", content: "my cat Tom hunts mice" });

      const r = await memory.recall({ userId: 41, query: "cat Miso", k: 2, mode: "dense" });
      assert.equal(r.engine, server.engine);
      assert.equal(r.mode, "dense");
      assert.ok(r.tookMs >= 0);
      assert.equal(r.hits.length, 2);
      assert.ok(r.hits.every((h) => h.userId === 41 && /Miso/.test(h.content)));
      assert.ok(r.hits[0]!.score >= r.hits[1]!.score);
      assert.equal(r.hits[0]!.similarity, r.hits[0]!.score);

      const ex = await memory.recall({ userId: 41, query: "cat Miso", k: 5, mode: "dense", excludeIds: [cat.id] });
      assert.ok(!ex.hits.some((h) => h.id === cat.id));

      const strict = await memory.recall({ userId: 41, query: "cat Miso", k: 5, mode: "dense", minScore: 0.4 });
      assert.ok(strict.hits.length >= 1 && strict.hits.every((h) => h.similarity! >= 0.4));
      assert.ok(!strict.hits.some((h) => /Lisbon/.test(h.content)));

      const global = await memory.recall({ query: "cat", k: 10, mode: "dense", minScore: 0.1 });
      assert.deepEqual(new Set(global.hits.map((h) => h.userId)), new Set([41, 42]));

      const calls = embedder.calls;
      const lex = await memory.recall({ userId: 41, query: "Lisbon", k: 3, mode: "lexical" });
      assert.equal(embedder.calls, calls, "lexical mode does not embed");
      assert.equal(lex.hits[0]!.content, "my sister lives in Lisbon");
      assert.equal(lex.hits[0]!.similarity, undefined);

      const hybrid = await memory.recall({ userId: 41, query: "where does my sister live Lisbon", k: 3 });
      assert.equal(hybrid.mode, "hybrid");
      assert.equal(hybrid.hits[0]!.content, "my sister lives in Lisbon");
      assert.ok(hybrid.hits.every((h) => h.userId === 41));
      assert.deepEqual((await memory.recall({ userId: 41, query: "   " })).hits, []);
      await assert.rejects(memory.recall({ userId: 41, query: "x", k: 0 }), (e) => isAppError(e, "bad_request:memory"));
    });

    it("clear deletes history and summary only; settings and long-term memory stay", async () => {
      const { memory, prefix } = await make();
      await memory.appendMessage({ userId: 51, role: "user", content: "remember my birthday is in May" });
      await memory.updateSettings(51, { summary: "birthday in May", summaryUpTo: "x", model: "m1" });
      await memory.clear(51);
      assert.deepEqual(await memory.getHistory(51), []);
      assert.equal(await raw.exists(`${prefix}h:51`), 0);
      const s = await memory.getSettings(51);
      assert.equal(s.summary, undefined);
      assert.equal(s.summaryUpTo, undefined);
      assert.equal(s.model, "m1");
      assert.equal(s.messages, 1);
      assert.equal((await memory.listMemories(51)).total, 1);
      assert.equal((await memory.recall({ userId: 51, query: "birthday May", mode: "dense" })).hits.length, 1);
    });

    it("forget leaves no key or entry mentioning the user", async () => {
      const { memory, prefix } = await make();
      const uid = 918273645;
      const secret = "zanzibarquokka";
      await memory.appendMessage({
        userId: uid,
        role: "user",
        content: `my password hint is ${secret}`,
        profile: { username: "forgetme" },
        meta: { tag: secret },
      });
      await memory.appendMessage({
        userId: uid,
        role: "assistant",
        content: `noted ${secret}`,
        usage: { promptTokens: 1, completionTokens: 1 },
      });
      await memory.updateSettings(uid, { summary: `knows ${secret}` });
      await memory.appendMessage({ userId: 52, role: "user", content: "someone else stays" });
      assert.match(await keyspaceText(raw, prefix), new RegExp(`${uid}|${secret}`), "the user's data is there before");
      await memory.forget(uid);
      const after = await keyspaceText(raw, prefix);
      assert.doesNotMatch(after, new RegExp(String(uid)));
      assert.doesNotMatch(after, new RegExp(secret));
      assert.doesNotMatch(after, /forgetme/);
      assert.equal((await memory.recall({ query: secret, mode: "lexical", k: 10 })).hits.length, 0);
      assert.equal((await memory.listUsers()).total, 1);
      assert.equal((await memory.getHistory(52)).length, 1, "other users are untouched");
      assert.equal((await memory.stats()).memories, 1);
    });

    it("export → forget → import gives identical history and identical recall", async () => {
      const embedder = hashBagEmbedder();
      const { memory } = await make({ embedder });
      const uid = 61;
      const texts = [
        "I work as a nurse in Porto",
        "my favourite food is bacalhau",
        "I run every Sunday morning",
        "",
        "my brother plays the cello",
      ];
      // each with the previous memory as context, as the bot stores them (re-embedding derives the same)
      let previous: { content: string; ts: number } | undefined;
      for (const [i, t] of texts.entries()) {
        await memory.appendMessage({
          userId: uid,
          role: i % 2 ? "assistant" : "user",
          content: t,
          tgMessageId: i,
          usage: i % 2 ? { promptTokens: 5, completionTokens: 2 } : undefined,
          profile: { firstName: "Rui" },
          meta: { n: String(i) },
          context: contextFor(previous, Date.now()),
        });
        if (t) previous = { content: t, ts: Date.now() };
      }
      await memory.updateSettings(uid, { model: "gpt-4o", personal: false, summary: "nurse in Porto" });
      const queries = ["what is my job", "food bacalhau", "cello brother", "Sunday running"];
      const recallAll = async () => {
        const out = [];
        for (const query of queries) {
          for (const mode of ["dense", "hybrid", "lexical"] as const) {
            // k covers every memory. Raw BM25 values depend on index-wide statistics (RediSearch
            // counts deleted documents until its GC runs), so lexical hits compare by rank only.
            const hits = (await memory.recall({ userId: uid, query, k: 10, mode })).hits;
            out.push(
              hits.map((h) => [
                mode === "lexical" ? "rank" : h.score.toFixed(6),
                h.id,
                h.content,
                h.role,
                h.ts,
                JSON.stringify(h.meta),
              ]),
            );
          }
        }
        return out;
      };
      const history = await memory.getHistory(uid, 100);
      const settings = await memory.getSettings(uid);
      const recalled = await recallAll();
      const exported = await memory.exportUser(uid, { vectors: true });
      assert.equal(exported.format, "mindmate.user");
      assert.equal(exported.version, 1);
      assert.equal(exported.history.length, 5);
      assert.equal(exported.memories.length, 4, "blank message has no memory");
      assert.ok(exported.memories.every((m) => m.vector && m.embedder === embedder.id));
      assert.deepEqual(
        exported.memories.map((m) => m.content),
        texts.filter(Boolean),
      );

      await assert.rejects(memory.importUser(exported), (e) => isAppError(e, "conflict:memory"));
      await memory.forget(uid);
      assert.deepEqual(await memory.getHistory(uid), []);
      const embedCalls = embedder.texts;
      await memory.importUser(JSON.parse(JSON.stringify(exported)));
      assert.equal(embedder.texts, embedCalls, "vectors from the same embedder are reused");
      assert.deepEqual(await memory.getHistory(uid, 100), history);
      assert.deepEqual(await memory.getSettings(uid), settings);
      assert.deepEqual(await recallAll(), recalled);

      // Without vectors (or from another embedder) the text is embedded again: same results here.
      const noVectors = await memory.exportUser(uid);
      assert.ok(noVectors.memories.every((m) => m.vector === undefined));
      const foreign = {
        ...exported,
        memories: exported.memories.map((m) => ({ ...m, embedder: "openai:other-model" })),
      };
      for (const doc of [noVectors, foreign]) {
        const before = embedder.texts;
        await memory.importUser(doc, { replace: true });
        assert.equal(embedder.texts - before, 4, "re-embedded every memory (each once, also as a neighbour)");
        assert.deepEqual(await memory.getHistory(uid, 100), history);
        assert.deepEqual(await recallAll(), recalled);
      }
      await assert.rejects(memory.importUser({ ...exported, version: 2 } as never), (e) =>
        isAppError(e, "bad_request:memory"),
      );
    });

    it("stats: users, summed message/token counters, memories, index info, journal", async () => {
      const { memory } = await make();
      await memory.appendMessage({ userId: 71, role: "user", content: "one" });
      await memory.appendMessage({
        userId: 71,
        role: "assistant",
        content: "two",
        usage: { promptTokens: 40, completionTokens: 9 },
      });
      await memory.appendMessage({ userId: 72, role: "user", content: "three" });
      await memory.appendMessage({ userId: 72, role: "system", content: "system note" });
      const s = await memory.stats();
      assert.equal(s.users, 2);
      assert.equal(s.messages, 4);
      assert.equal(s.memories, 3, "system messages are not remembered");
      assert.equal(s.promptTokens, 40);
      assert.equal(s.completionTokens, 9);
      assert.deepEqual(s.journal, { degraded: false, pending: 0 });
      assert.equal(typeof s.index, "object");
    });

    it("Redis unreachable: reads fail with unavailable:redis (with cause), appends journal", async () => {
      const down = createRedisClient({ url: "redis://127.0.0.1:1", connectTimeoutMs: 200, commandTimeoutMs: 300 });
      try {
        const memory = createMemory(memoryOptions(server, down, uniquePrefix("down")));
        const unavailable = (e: unknown) => isAppError(e, "unavailable:redis") && (e as Error).cause !== undefined;
        await assert.rejects(memory.getHistory(1), unavailable);
        await assert.rejects(memory.getSettings(1), unavailable);
        await assert.rejects(memory.recall({ userId: 1, query: "anything" }), unavailable);
        const m = await memory.appendMessage({ userId: 1, role: "user", content: "kept while down" });
        assert.deepEqual(memory.journalState(), { degraded: true, pending: 1 });
        assert.deepEqual(
          (await memory.getHistory(1)).map((x) => x.id),
          [m.id],
          "served from the journal",
        );
        memory.close();
      } finally {
        down.disconnect();
      }
    });
  });
}
