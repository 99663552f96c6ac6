import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { createMemory, createMemoryContext } from "@/lib/memory";
import { isRecordGuard, runWrites, WRITE_SCRIPT_SHA } from "@/lib/memory/guarded-write";
import { trimBatch } from "@/lib/memory/budget/trim";
import { newMessageId } from "@/lib/memory/ids";
import type { PendingAppend } from "@/lib/memory/journal";
import { appendWrite } from "@/lib/memory/writes";
import { createRedisClient } from "@/lib/redis/client";
import { startFaultProxy, type FaultProxy } from "../helpers/fault-proxy";
import { hashBagEmbedder, memoryOptions, testMemory } from "../helpers/memory";
import { serverBinary, startOwnServer } from "../helpers/own-server";
import { deletePrefix, rawClient, testServers, uniquePrefix, type TestServer } from "../helpers/servers";
import { parseHistoryEntry } from "@/lib/memory/history";

/**
 * appendMessage is ONE guarded script: these tests break the connection at exactly the worst
 * moments (fault proxy in front of the real servers) and make Redis refuse writes (OOM), and
 * check that every message is stored exactly once, in order, with counters and memories once.
 */

const isWriteScript = (cmd: string[]) =>
  (cmd[0] === "EVALSHA" && cmd[1] === WRITE_SCRIPT_SHA) || (cmd[0] === "EVAL" && /guarded|ncmd/.test(cmd[1] ?? ""));

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What Redis holds for a user: history (oldest first), counters, memory count. */
async function stored(raw: Redis, memory: Awaited<ReturnType<typeof testMemory>>, prefix: string, uid: number) {
  const history = (await raw.lrange(`${prefix}h:${uid}`, 0, -1)).map((s) => parseHistoryEntry(s)!).reverse();
  const s = await raw.hgetall(`${prefix}u:${uid}`);
  return {
    ids: history.map((m) => m.id),
    turns: history.map((m) => `${m.role}: ${m.content}`),
    counters: { messages: s.messages, promptTokens: s.promptTokens, completionTokens: s.completionTokens },
    memories: (await memory.listMemories(uid, { limit: 1000 })).total,
  };
}

const { available, missing } = testServers();
for (const reason of missing) it(`write faults on ${reason.split(" ")[0]}`, { skip: reason }, () => undefined);

for (const server of available) {
  describe(`append through a fault proxy on ${server.name} (${server.engine})`, () => {
    const prefix = uniquePrefix(`faults-${server.name}`);
    let proxy: FaultProxy;
    let redis: Redis;
    let raw: Redis;
    let memory: Awaited<ReturnType<typeof testMemory>>;
    let uid = 880_000;
    before(async () => {
      proxy = await startFaultProxy(server.url);
      redis = createRedisClient({ url: proxy.url, name: "mindmate-faults-test", commandTimeoutMs: 3000 });
      raw = rawClient(server.url);
      memory = await testMemory(server, redis, prefix, { historyMax: 1000 });
    });
    after(async () => {
      memory.close();
      await createMemoryContext(memoryOptions(server, raw, prefix)).engine.dropAll();
      await deletePrefix(raw, prefix);
      raw.disconnect();
      redis.disconnect();
      await proxy.close();
    });

    it("reply lost after the script ran (reset before the reply): stored once, the caller sees success", async () => {
      const u = ++uid;
      proxy.inject({ match: isWriteScript, action: "drop-reply-and-reset" });
      const firedBefore = proxy.fired;
      const r = await memory.appendMessage({
        userId: u,
        role: "user",
        content: "the reply to this write is lost",
        key: `tg:${u}:1:user`,
      });
      assert.equal(proxy.fired - firedBefore, 1, "the fault fired");
      assert.equal(r.duplicate, undefined, "our own resent write is not reported as a duplicate");
      await waitFor("journal empty", () => memory.journalState().pending === 0);
      const s = await stored(raw, memory, prefix, u);
      assert.deepEqual(s.ids, [r.id], "stored exactly once");
      assert.equal(s.counters.messages, "1");
      assert.equal(s.memories, 1);
    });

    it("reply lost with ioredis' resend OFF: the write is journaled and replayed — still once", async () => {
      const u = ++uid;
      const noResend = createRedisClient({ url: proxy.url, name: "mindmate-faults-noresend", commandTimeoutMs: 3000 });
      noResend.options.autoResendUnfulfilledCommands = false;
      const m = await testMemory(server, noResend, prefix, { historyMax: 1000 });
      try {
        proxy.inject({ match: isWriteScript, action: "drop-reply-and-reset" });
        const r = await m.appendMessage({ userId: u, role: "user", content: "journaled although it reached Redis" });
        await waitFor("journal replayed", () => m.journalState().pending === 0);
        const s = await stored(raw, m, prefix, u);
        assert.deepEqual(s.ids, [r.id]);
        assert.equal(s.counters.messages, "1");
        assert.equal(s.memories, 1);
        assert.equal(
          await raw.exists(`${prefix}applied:${r.id}`),
          0,
          "an unkeyed append is guarded by its record: no applied:<id> key",
        );
      } finally {
        m.close();
        noResend.disconnect();
      }
    });

    it("connection reset before the script reaches Redis: stored once", async () => {
      const u = ++uid;
      proxy.inject({ match: isWriteScript, action: "reset-before" });
      const r = await memory.appendMessage({
        userId: u,
        role: "user",
        content: "sent again after the reset",
        key: `tg:${u}:2:user`,
      });
      await waitFor("journal empty", () => memory.journalState().pending === 0);
      const s = await stored(raw, memory, prefix, u);
      assert.deepEqual(s.ids, [r.id]);
      assert.equal(s.counters.messages, "1");
      assert.equal(s.memories, 1);
    });

    it("the same idempotency key twice: stored once, the second call returns the first message with duplicate: true", async () => {
      const u = ++uid;
      const key = `tg:${u}:77:user`;
      const first = await memory.appendMessage({
        userId: u,
        role: "user",
        content: "hello once",
        key,
        usage: { promptTokens: 3, completionTokens: 4 },
      });
      const second = await memory.appendMessage({
        userId: u,
        role: "user",
        content: "hello once",
        key,
        usage: { promptTokens: 3, completionTokens: 4 },
      });
      assert.equal(first.duplicate, undefined);
      assert.equal(second.duplicate, true);
      assert.equal(second.id, first.id);
      assert.equal(second.ts, first.ts);
      const other = await memory.appendMessage({
        userId: u,
        role: "assistant",
        content: "a different key",
        key: `tg:${u}:77:assistant`,
      });
      assert.equal(other.duplicate, undefined);
      const s = await stored(raw, memory, prefix, u);
      assert.deepEqual(s.ids, [first.id, other.id]);
      assert.deepEqual(s.counters, { messages: "2", promptTokens: "3", completionTokens: "4" });
      assert.equal(s.memories, 2);
      assert.deepEqual(
        (await memory.getHistory(u)).map((m) => m.id),
        [first.id, other.id],
      );
      const keys = await raw.keys(`${prefix}applied:*`);
      assert.ok(
        keys.every((k) => !k.includes(String(u))),
        "guard names carry no user id (forget leaves nothing behind)",
      );
    });

    it("one append is one command on the wire: the guarded-write EVALSHA", async () => {
      const u = ++uid;
      await memory.appendMessage({ userId: u, role: "user", content: "warm up the script cache" });
      const before = proxy.seen.length;
      await memory.appendMessage({ userId: u, role: "user", content: "exactly one command", key: `tg:${u}:3:user` });
      const sent = proxy.seen.slice(before).map((c) => c[0]);
      assert.deepEqual(sent, ["EVALSHA"]);
    });

    it("getHistory never shows an entry twice, even if the list holds a repeat", async () => {
      const u = ++uid;
      const a = await memory.appendMessage({ userId: u, role: "user", content: "first" });
      const b = await memory.appendMessage({ userId: u, role: "assistant", content: "second" });
      const [newest] = await raw.lrange(`${prefix}h:${u}`, 0, 0);
      await raw.lpush(`${prefix}h:${u}`, newest!); // a repeat written by an older version
      assert.deepEqual(
        (await memory.getHistory(u)).map((m) => m.id),
        [a.id, b.id],
      );
    });

    it("a retry while the first append waits in the journal is answered from the journal: duplicate, stored once", async () => {
      const u = ++uid;
      const down = createRedisClient({ url: "redis://127.0.0.1:1", connectTimeoutMs: 200, commandTimeoutMs: 300 });
      const offline = createMemory(memoryOptions(server, down, prefix, { journal: { max: 10 } }));
      try {
        const key = `tg:${u}:9:user`;
        const first = await offline.appendMessage({ userId: u, role: "user", content: "while Redis is down", key });
        const again = await offline.appendMessage({ userId: u, role: "user", content: "while Redis is down", key });
        assert.equal(again.duplicate, true);
        assert.equal(again.id, first.id);
        assert.equal(offline.journalState().pending, 1);
      } finally {
        offline.close();
        down.disconnect();
      }
    });

    it("a run with resets at every third append ends exactly like a fault-free run", async () => {
      const faulty = ++uid;
      const clean = ++uid;
      const turns = (u: number) =>
        Array.from({ length: 12 }, (_, i) => ({
          userId: u,
          role: (i % 2 ? "assistant" : "user") as "user" | "assistant",
          content: `turn ${i} about oranges and rivers`,
          key: `tg:${u}:${100 + (i >> 1)}:${i % 2 ? "assistant" : "user"}`,
          ...(i % 2 ? { usage: { promptTokens: i, completionTokens: 2 * i } } : {}),
        }));
      for (const t of turns(clean)) await memory.appendMessage(t);
      let n = 0;
      const actions = ["drop-reply-and-reset", "reset-before"] as const;
      for (const t of turns(faulty)) {
        if (n % 3 === 0) proxy.inject({ match: isWriteScript, action: actions[(n / 3) % 2]! });
        n += 1;
        await memory.appendMessage(t);
        // a Telegram retry of the same update: a no-op
        if (n === 5) assert.equal((await memory.appendMessage(t)).duplicate, true);
      }
      await waitFor("journal empty", () => memory.journalState().pending === 0);
      const a = await stored(raw, memory, prefix, faulty);
      const b = await stored(raw, memory, prefix, clean);
      assert.deepEqual(a.turns, b.turns, "same history, same order");
      assert.deepEqual(a.counters, b.counters);
      assert.equal(a.memories, b.memories);
      assert.equal(a.ids.length, 12);
    });
  });
}

for (const server of available) {
  describe(`an unkeyed append is guarded by its own record on ${server.name} (${server.engine})`, () => {
    const prefix = uniquePrefix(`recguard-${server.name}`);
    let raw: Redis;
    let memory: Awaited<ReturnType<typeof testMemory>>;
    before(async () => {
      raw = rawClient(server.url);
      memory = await testMemory(server, raw, prefix, { historyMax: 1000 });
    });
    after(async () => {
      memory.close();
      await createMemoryContext(memoryOptions(server, raw, prefix)).engine.dropAll();
      await deletePrefix(raw, prefix);
      raw.disconnect();
    });

    const prepared = async (u: number, content: string): Promise<PendingAppend> => {
      const id = newMessageId();
      const [vector] = await hashBagEmbedder().embed([content]);
      return {
        kind: "append",
        id,
        userId: u,
        message: { id, role: "user", content, ts: new Date().toISOString() },
        vector,
        activityMs: Date.now(),
      };
    };

    it("the same prepared write sent again (journal replay, resent EVALSHA) stores nothing, and no applied:<id> key is written", async () => {
      const ctx = createMemoryContext(memoryOptions(server, raw, prefix, { historyMax: 1000 }));
      const u = 881_001;
      const a = await prepared(u, "guarded by the record itself");
      const w = appendWrite(ctx, a);
      assert.ok(w.guard && isRecordGuard(w.guard), "a record guard");
      const expected = {
        scan: [`${prefix}m:s:${u}`, a.id],
        vectorset: [`${prefix}m:c:${u}`, a.id],
        redisearch: [`${prefix}m:d:${u}:${a.id}`, "id"],
      }[server.engine];
      assert.deepEqual([w.guard.hash, w.guard.field.toString()], expected, "the guard is the engine's record");
      assert.deepEqual(await runWrites(raw, [w]), [{ status: "applied" }]);
      // Replays: alone, as a batch of two, rebuilt from the entry (as the journal does).
      assert.deepEqual(await runWrites(raw, [appendWrite(ctx, a)]), [
        { status: "skipped", first: `${a.id} ${a.message.ts}` },
      ]);
      assert.deepEqual(
        (await runWrites(raw, [w, appendWrite(ctx, a)])).map((o) => o.status),
        ["skipped", "skipped"],
      );
      const s = await stored(raw, memory, prefix, u);
      assert.deepEqual(s.ids, [a.id], "history once");
      assert.equal(s.counters.messages, "1", "counters once");
      assert.equal(s.memories, 1, "memory once");
      assert.equal(await raw.llen(`${prefix}h:${u}`), 1);
      assert.equal(await raw.exists(`${prefix}applied:${a.id}`), 0, "no applied:<id> key");
      // Through the facade too: an unkeyed append with a memory leaves no applied:<id> key.
      const r = await memory.appendMessage({ userId: u, role: "assistant", content: "an unkeyed answer" });
      assert.equal(await raw.exists(`${prefix}applied:${r.id}`), 0);
      assert.equal((await stored(raw, memory, prefix, u)).memories, 2);
    });

    it("without a long-term memory (system message) the append keeps its applied:<id> guard", async () => {
      const u = 881_002;
      const r = await memory.appendMessage({ userId: u, role: "system", content: "history only" });
      assert.equal(await raw.exists(`${prefix}applied:${r.id}`), 1);
      const ctx = createMemoryContext(memoryOptions(server, raw, prefix, { historyMax: 1000 }));
      const id = newMessageId();
      const a: PendingAppend = {
        kind: "append",
        id,
        userId: u,
        message: { id, role: "system", content: "replayed", ts: new Date().toISOString() },
        activityMs: Date.now(),
      };
      assert.equal((await runWrites(raw, [appendWrite(ctx, a)]))[0]!.status, "applied");
      assert.equal((await runWrites(raw, [appendWrite(ctx, a)]))[0]!.status, "skipped");
      assert.equal((await stored(raw, memory, prefix, u)).ids.length, 2);
    });

    it("a young memory the budget trim removed leaves a tombstone: replaying its write still stores nothing", async () => {
      const ctx = createMemoryContext(memoryOptions(server, raw, prefix, { historyMax: 1000 }));
      const u = 881_003;
      const a = await prepared(u, "trimmed while its write was still in a journal");
      assert.equal((await runWrites(raw, [appendWrite(ctx, a)]))[0]!.status, "applied");
      const ids = (await memory.listMemories(u, { limit: 1000 })).items.map((m) => m.id);
      assert.deepEqual(ids, [a.id]);
      // Trim every memory (floor 0) of every user under this prefix: ours goes too.
      for (let i = 0; i < 20; i++)
        if (!(await trimBatch(ctx, { protectDays: 7, batch: 1000, keepNewest: 0 }, { guardsDone: true }))) break;
      assert.equal((await stored(raw, memory, prefix, u)).memories, 0, "trimmed");
      assert.equal(await raw.exists(`${prefix}applied:${a.id}`), 1, "tombstone set");
      const ttl = await raw.ttl(`${prefix}applied:${a.id}`);
      assert.ok(ttl > 6 * 86_400 && ttl <= 7 * 86_400, `tombstone TTL ${ttl}`);
      assert.deepEqual(await runWrites(raw, [appendWrite(ctx, a)]), [
        { status: "skipped", first: `${a.id} ${a.message.ts}` },
      ]);
      const s = await stored(raw, memory, prefix, u);
      assert.deepEqual(s.ids, [a.id], "history once");
      assert.equal(s.counters.messages, "1");
      assert.equal(s.memories, 0, "the replay did not bring the trimmed memory back");
      // The guards stage removes tombstones once their message is a day old.
      assert.equal(
        (
          await trimBatch(
            ctx,
            { protectDays: 7, batch: 1000, keepNewest: 0 },
            { guardsDone: false },
            Date.now() + 2 * 86_400_000,
          )
        )?.stage,
        "guards",
      );
      assert.equal(await raw.exists(`${prefix}applied:${a.id}`), 0);
    });
  });
}

/** Server flavours we can start ourselves, to fill them up. */
const flavours: { name: TestServer["name"]; engine: TestServer["engine"] }[] = [
  { name: "redis7", engine: "scan" },
  { name: "valkey8", engine: "scan" },
  { name: "redis8", engine: "vectorset" },
  { name: "redis-stack", engine: "redisearch" },
];

for (const flavour of flavours) {
  const binary = serverBinary(flavour.name);
  describe(`Redis out of memory (maxmemory, noeviction) on ${flavour.name} (${flavour.engine})`, () => {
    const skip = binary
      ? false
      : `no ${flavour.name} server binary (MM_SERVER_BIN_DIR not set: run through scripts/test.sh)`;
    it(
      "a refused append is journaled, not thrown; once memory is raised it is replayed once, in order",
      { skip, timeout: 90_000 },
      async () => {
        const own = await startOwnServer(binary!, { ports: [7310, 7399], args: ["--maxmemory-policy", "noeviction"] });
        const server: TestServer = {
          name: flavour.name,
          url: own.url,
          kind: "redis",
          engine: flavour.engine,
          search: false,
          vectorSets: false,
          json: false,
        };
        const redis = createRedisClient({ url: own.url, name: "mindmate-oom-test", commandTimeoutMs: 3000 });
        const raw = rawClient(own.url);
        const dir = mkdtempSync(path.join(tmpdir(), "mm-oom-journal-"));
        const prefix = uniquePrefix("oom");
        const memory = createMemory(
          memoryOptions(server, redis, prefix, {
            historyMax: 1000,
            journal: { max: 100, file: path.join(dir, "journal.jsonl") },
          }),
        );
        try {
          await memory.init();
          const uid = 990_001;
          const sent: string[] = [];
          // Even: keyed (SET NX guard first), odd: unkeyed (the record's HSETNX first): both refused whole.
          const send = async (i: number) =>
            sent.push(
              (
                await memory.appendMessage({
                  userId: uid,
                  role: i % 2 ? "assistant" : "user",
                  content: `memory pressure ${i}`,
                  ...(i % 2 ? {} : { key: `tg:${uid}:${i}:x` }),
                })
              ).id,
            );
          for (let i = 0; i < 2; i++) await send(i);

          const used = Number(/used_memory:(\d+)/.exec(await raw.info("memory"))![1]);
          await raw.config("SET", "maxmemory", String(used + 256 * 1024));
          // Big values first, then small ones: a refused big command frees its own query buffer,
          // so only small writes failing means there is really no room left.
          for (const size of [32 * 1024, 64]) {
            let full = false;
            for (let i = 0; i < 20_000 && !full; i++) {
              try {
                await raw.set(`${prefix}filler:${size}:${i}`, "x".repeat(size));
              } catch (e) {
                assert.match((e as Error).message, /^OOM/);
                full = true;
              }
            }
            assert.ok(full, `the server is full (${size}-byte values)`);
          }

          for (let i = 2; i < 6; i++) await send(i); // refused with OOM: journaled, the call succeeds
          const state = memory.journalState();
          assert.equal(state.pending, 4);
          assert.equal(state.degraded, true);
          await waitFor("a replay attempt to record its error", () =>
            /OOM/.test(memory.journalState().lastError ?? ""),
          );
          assert.deepEqual(
            (await memory.getHistory(uid, 100)).map((m) => m.id),
            sent,
            "reads see journaled messages meanwhile",
          );
          const files = readdirSync(dir).filter((f) => f.startsWith("journal.jsonl.") && !f.endsWith(".lock"));
          assert.equal(files.length, 1, "one journal file, this process's");
          assert.match(readFileSync(path.join(dir, files[0]!), "utf8"), /memory pressure 5/);

          await raw.config("SET", "maxmemory", "0");
          await waitFor("journal replayed after memory was raised", () => memory.journalState().pending === 0, 60_000);
          assert.equal(memory.journalState().lastError, undefined);
          const ids = (await raw.lrange(`${prefix}h:${uid}`, 0, -1)).map((s) => parseHistoryEntry(s)!.id).reverse();
          assert.deepEqual(ids, sent, "every message once, in order");
          assert.equal(await raw.hget(`${prefix}u:${uid}`, "messages"), "6");
          assert.equal((await memory.listMemories(uid, { limit: 100 })).total, 6);
          for (const [i, id] of sent.entries())
            if (i % 2)
              assert.equal(await raw.exists(`${prefix}applied:${id}`), 0, "no applied:<id> for an unkeyed append");
          assert.equal(readFileSync(path.join(dir, files[0]!), "utf8"), "", "journal file emptied");
        } finally {
          memory.close();
          redis.disconnect();
          raw.disconnect();
          await own.stop();
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  });
}

for (const flavour of flavours) {
  const binary = serverBinary(flavour.name);
  describe(`a live write that fails after a later one was journaled, on ${flavour.name} (${flavour.engine})`, () => {
    const skip = binary
      ? false
      : `no ${flavour.name} server binary (MM_SERVER_BIN_DIR not set: run through scripts/test.sh)`;
    it(
      "is journaled in FRONT of the later one: order kept through the outage and the replay",
      { skip, timeout: 90_000 },
      async () => {
        const own = await startOwnServer(binary!, { ports: [7310, 7399] });
        const proxy = await startFaultProxy(own.url);
        const server: TestServer = {
          name: flavour.name,
          url: proxy.url,
          kind: "redis",
          engine: flavour.engine,
          search: false,
          vectorSets: false,
          json: false,
        };
        const redis = createRedisClient({
          url: proxy.url,
          name: "mindmate-order-test",
          connectTimeoutMs: 300,
          commandTimeoutMs: 2000,
        });
        const prefix = uniquePrefix("order");
        const memory = createMemory(memoryOptions(server, redis, prefix, { historyMax: 1000 }));
        try {
          await memory.init();
          const uid = 990_100;
          const before = await memory.appendMessage({ userId: uid, role: "user", content: "stored while all is well" });
          // A: the socket is reset before A reaches Redis, and Redis is gone, so the reconnect
          // fails and A is rejected only after a retry — by then B has been journaled.
          proxy.inject({ match: isWriteScript, action: "reset-before" });
          const a = memory.appendMessage({ userId: uid, role: "user", content: "A, sent first" });
          await own.kill();
          await waitFor("the client to notice", () => redis.status !== "ready");
          const b = await memory.appendMessage({ userId: uid, role: "assistant", content: "B, sent second" });
          const aMsg = await a;
          assert.equal(memory.journalState().pending, 2);
          assert.deepEqual(
            (await memory.getHistory(uid, 10)).map((m) => m.content),
            ["A, sent first", "B, sent second"],
            "journal order = call order",
          );

          await own.restart(); // empty (no persistence): only the replay writes A and B
          await waitFor("journal replayed", () => memory.journalState().pending === 0, 60_000);
          const raw = rawClient(own.url);
          try {
            const ids = (await raw.lrange(`${prefix}h:${uid}`, 0, -1)).map((s) => parseHistoryEntry(s)!.id).reverse();
            assert.deepEqual(ids, [aMsg.id, b.id], "replayed in call order");
            assert.ok(!ids.includes(before.id), "the server restarted empty");
          } finally {
            raw.disconnect();
          }
        } finally {
          memory.close();
          redis.disconnect();
          await proxy.close();
          await own.stop();
        }
      },
    );
  });
}

for (const server of available) {
  describe(`a journaled write Redis keeps refusing, on ${server.name} (${server.engine})`, () => {
    it(
      "stays at the head with its error visible, holds later writes behind it, and lands once the cause is fixed",
      { timeout: 60_000 },
      async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "mm-refused-"));
        const file = path.join(dir, "journal.jsonl");
        const prefix = uniquePrefix("refused");
        const raw = rawClient(server.url);
        const uid = 990_200;
        // 1. Redis unreachable: a settings change, then an append of another user, journaled to the file.
        const down = createRedisClient({ url: "redis://127.0.0.1:1", connectTimeoutMs: 200, commandTimeoutMs: 300 });
        const offline = createMemory(memoryOptions({ ...server }, down, prefix, { journal: { max: 10, file } }));
        await offline.updateSettings(uid, { model: "kept-model" });
        const later = await offline.appendMessage({
          userId: uid + 1,
          role: "user",
          content: "queued behind the refused one",
        });
        offline.close();
        down.disconnect();
        // 2. The settings key is not a hash: HSET is refused (WRONGTYPE) on every attempt.
        await raw.set(`${prefix}u:${uid}`, "not a hash");
        const live = createRedisClient({ url: server.url, name: "mindmate-refused-test" });
        const memory = createMemory(memoryOptions(server, live, prefix, { journal: { max: 10, file } }));
        try {
          await memory.init();
          await waitFor("the refusal to be recorded", () => /WRONGTYPE/.test(memory.journalState().lastError ?? ""));
          assert.equal(memory.journalState().pending, 2, "nothing dropped, nothing overtaken");
          assert.equal(await raw.exists(`${prefix}h:${uid + 1}`), 0, "the later write waits behind it");
          // 3. Fixed: the retry (capped backoff) applies both, in order.
          await raw.del(`${prefix}u:${uid}`);
          await waitFor("journal replayed", () => memory.journalState().pending === 0, 45_000);
          assert.equal(await raw.hget(`${prefix}u:${uid}`, "model"), "kept-model");
          assert.deepEqual(
            (await memory.getHistory(uid + 1)).map((m) => m.id),
            [later.id],
          );
          assert.equal(memory.journalState().lastError, undefined);
        } finally {
          memory.close();
          live.disconnect();
          await createMemoryContext(memoryOptions(server, raw, prefix)).engine.dropAll();
          await deletePrefix(raw, prefix);
          raw.disconnect();
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  });
}
