import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { Redis } from "ioredis";
import { createMemory, createMemoryContext } from "@/lib/memory";
import { createRedisClient } from "@/lib/redis/client";
import { memoryOptions } from "../helpers/memory";
import { deletePrefix, rawClient, testServers, uniquePrefix, type TestServer } from "../helpers/servers";
import { parseHistoryEntry } from "@/lib/memory/history";

/** Server flavours we can start ourselves (to kill and restart them), with AOF on. */
interface Flavour {
  name: TestServer["name"];
  binary?: string;
  engine: TestServer["engine"];
}
function flavours(): Flavour[] {
  const dir = process.env.MM_SERVER_BIN_DIR;
  const wrapper = (file: string) => (dir && existsSync(path.join(dir, file)) ? path.join(dir, file) : undefined);
  return [
    {
      name: "redis7",
      binary: wrapper("redis7-server") ?? (existsSync("/usr/bin/redis-server") ? "/usr/bin/redis-server" : undefined),
      engine: "scan",
    },
    { name: "valkey8", binary: wrapper("valkey8-server"), engine: "scan" },
    { name: "redis8", binary: wrapper("redis8-server"), engine: "vectorset" },
    { name: "redis-stack", binary: wrapper("redis-stack-server"), engine: "redisearch" },
  ];
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// appendfsync always: the test is about what the app does with what the server acknowledged. With
// the default everysec a busy disk makes Redis postpone the AOF write (up to 2 s) while it already
// answers, and a SIGKILL then loses acknowledged writes — a server setting, not a journal bug.
async function startServer(binary: string, port: number, dir: string): Promise<ChildProcess> {
  const proc = spawn(
    binary,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--appendonly",
      "yes",
      "--appendfsync",
      "always",
      "--save",
      "",
      "--daemonize",
      "no",
      "--logfile",
      path.join(dir, "log.txt"),
    ],
    { stdio: "ignore" },
  );
  const probe = new Redis({
    port,
    host: "127.0.0.1",
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => undefined);
  try {
    await waitFor(
      `redis on ${port}`,
      async () => {
        if (proc.exitCode !== null || proc.signalCode !== null)
          throw new Error(`redis-server exited (${proc.exitCode ?? proc.signalCode}); see ${dir}/log.txt`);
        try {
          if (probe.status !== "ready") await probe.connect();
          return (await probe.ping()) === "PONG";
        } catch {
          probe.disconnect();
          return false;
        }
      },
      10_000,
    );
    // Make sure we talk to OUR process, not someone else's server on the same port.
    const pid = /process_id:(\d+)/.exec(await probe.info("server"))?.[1];
    if (Number(pid) !== proc.pid) throw new Error(`port ${port} answered from pid ${pid}, not ours (${proc.pid})`);
  } catch (e) {
    proc.kill("SIGKILL");
    throw e;
  } finally {
    probe.disconnect();
  }
  return proc;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer().once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** A fresh server on a random free port in 6400-6499 (a few tries: other tests use that range too). */
async function startOnFreePort(binary: string, dir: string): Promise<{ proc: ChildProcess; port: number }> {
  let last: unknown;
  for (let attempt = 0; attempt < 6; attempt++) {
    const port = 6400 + Math.floor(Math.random() * 100);
    if (!(await portIsFree(port))) continue;
    try {
      return { proc: await startServer(binary, port, dir), port };
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`could not start a server on a free port: ${String(last)}`);
}

/** The journal file this process writes for base name `base` (JOURNAL_FILE; one file per process). */
function ownJournalFile(base: string): string {
  const prefix = `${path.basename(base)}.`;
  const mine = readdirSync(path.dirname(base)).filter(
    (f) => f.startsWith(prefix) && new RegExp(`\\.${process.pid}\\.\\d+$`).test(f),
  );
  assert.equal(mine.length, 1, `one journal file of this process for ${base}: ${mine.join(", ")}`);
  return path.join(path.dirname(base), mine[0]!);
}

const killed = (proc: ChildProcess) =>
  new Promise<void>((resolve) =>
    proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once("exit", () => resolve()),
  );

for (const flavour of flavours()) {
  describe(`journal: ${flavour.name} (${flavour.engine}) killed mid-stream and restarted`, () => {
    const skip = flavour.binary
      ? false
      : `no ${flavour.name} server binary (MM_SERVER_BIN_DIR not set: run scripts/test-servers.sh start)`;
    it("every message ends up in Redis exactly once and in order", { skip, timeout: 90_000 }, async () => {
      const binary = flavour.binary!;
      const dir = mkdtempSync(path.join(tmpdir(), "mm-journal-srv-"));
      const started = await startOnFreePort(binary, dir);
      const port = started.port;
      let proc = started.proc;
      const url = `redis://127.0.0.1:${port}`;
      const server: TestServer = {
        name: flavour.name,
        url,
        kind: "redis",
        engine: flavour.engine,
        search: false,
        vectorSets: false,
        json: false,
      };
      const redis = createRedisClient({
        url,
        connectTimeoutMs: 300,
        commandTimeoutMs: 1000,
        name: "mindmate-journal-test",
      });
      const prefix = uniquePrefix("journal");
      const journalFile = path.join(dir, "journal.jsonl");
      const memory = createMemory(
        memoryOptions(server, redis, prefix, { historyMax: 1000, journal: { max: 1000, file: journalFile } }),
      );
      try {
        await memory.init();
        const uid = 4242;
        const sent: string[] = [];
        const send = async (i: number) =>
          sent.push(
            (
              await memory.appendMessage({
                userId: uid,
                role: i % 2 ? "assistant" : "user",
                content: `message number ${i}`,
              })
            ).id,
          );
        for (let i = 0; i < 15; i++) await send(i);
        assert.deepEqual(memory.journalState(), { degraded: false, pending: 0 });

        // Kill while a write is in flight: its reply may be lost although Redis applied it.
        const inFlight = send(15);
        proc.kill("SIGKILL");
        await inFlight;
        await killed(proc);
        for (let i = 16; i < 40; i++) await send(i);
        const state = memory.journalState();
        assert.equal(state.degraded, true);
        assert.ok(state.pending >= 24, `pending ${state.pending}`);
        assert.ok(
          readFileSync(ownJournalFile(journalFile), "utf8").includes("message number 39"),
          "journal mirrored to the file",
        );
        const local = await memory.getHistory(uid, 100);
        assert.deepEqual(
          local.map((m) => m.id),
          sent.slice(40 - local.length),
          "reads are served from the journal while down",
        );

        proc = await startServer(binary, port, dir); // same port, same dir: the AOF brings back the first messages
        await waitFor("journal replay", () => memory.journalState().pending === 0);
        assert.deepEqual(memory.journalState(), { degraded: false, pending: 0 });

        const raw = rawClient(url);
        try {
          const ids = (await raw.lrange(`${prefix}h:${uid}`, 0, -1)).map((s) => parseHistoryEntry(s)!.id).reverse();
          assert.deepEqual(ids, sent, "every message exactly once, in order");
          assert.equal(await raw.hget(`${prefix}u:${uid}`, "messages"), "40", "counters applied exactly once");
          assert.equal((await memory.listMemories(uid, { limit: 100 })).total, 40, "every long-term memory once");
          assert.equal(
            (await memory.recall({ userId: uid, query: "message number", mode: "dense", k: 100 })).hits.length,
            40,
          );
          assert.deepEqual(
            await raw.keys(`${prefix}applied:*`),
            [],
            "unkeyed appends are guarded by their records: no applied:<id> keys",
          );
        } finally {
          raw.disconnect();
        }
        assert.equal(readFileSync(ownJournalFile(journalFile), "utf8"), "", "journal file emptied after replay");
        assert.deepEqual(
          (await memory.getHistory(uid, 100)).map((m) => m.id),
          sent,
        );
      } finally {
        memory.close();
        redis.disconnect();
        proc.kill("SIGKILL");
        await killed(proc);
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

const { available, missing } = testServers();
for (const reason of missing) it(`interrupted replay on ${reason.split(" ")[0]}`, { skip: reason }, () => undefined);

for (const server of available) {
  describe(`journal replay interrupted half-way on ${server.name} (${server.engine})`, () => {
    const prefix = uniquePrefix(`replay-${server.name}`);
    const dir = mkdtempSync(path.join(tmpdir(), "mm-replay-"));
    const live = createRedisClient({ url: server.url, name: "mindmate-replay-test" });
    after(async () => {
      await createMemoryContext(memoryOptions(server, live, prefix)).engine.dropAll();
      const raw = rawClient(server.url);
      await deletePrefix(raw, prefix);
      raw.disconnect();
      live.disconnect();
      rmSync(dir, { recursive: true, force: true });
    });

    it("a rerun of the same journal skips what was already applied: no duplicates", async () => {
      // 1. Redis unreachable: 20 writes (19 appends + 1 settings change) go to the journal file.
      const down = createRedisClient({ url: "redis://127.0.0.1:1", connectTimeoutMs: 200, commandTimeoutMs: 300 });
      const file = path.join(dir, "journal.jsonl");
      const offline = createMemory(memoryOptions(server, down, prefix, { journal: { max: 100, file } }));
      const uid = 777;
      const sent: string[] = [];
      for (let i = 0; i < 20; i++) {
        if (i === 12) await offline.updateSettings(uid, { model: "replayed-model" });
        else
          sent.push(
            (await offline.appendMessage({ userId: uid, role: "user", content: `journaled ${i} about apples` })).id,
          );
        if (i === 9) copyFileSync(ownJournalFile(file), path.join(dir, "first-half.jsonl")); // a legacy-named file: adopted
      }
      offline.close();
      down.disconnect();
      assert.equal(offline.journalState().pending, 20);

      // 2. A process replays the first half, then "crashes" before its acks reach the full file.
      const first = createMemory(
        memoryOptions(server, live, prefix, { journal: { max: 100, file: path.join(dir, "first-half.jsonl") } }),
      );
      await first.init();
      await waitFor("first half replayed", () => first.journalState().pending === 0);
      first.close();
      // 3. The next start finds all 20 entries un-acked and replays them again.
      const second = createMemory(memoryOptions(server, live, prefix, { journal: { max: 100, file } }));
      assert.equal(second.journalState().pending, 20);
      await second.init();
      await waitFor("full replay", () => second.journalState().pending === 0);

      assert.deepEqual(
        (await second.getHistory(uid, 100)).map((m) => m.id),
        sent,
        "each message once, in order",
      );
      const settings = await second.getSettings(uid);
      assert.equal(settings.messages, 19, "counters once");
      assert.equal(settings.model, "replayed-model");
      assert.equal((await second.listMemories(uid, { limit: 100 })).total, 19, "memories once");
      assert.equal((await second.recall({ userId: uid, query: "apples", mode: "dense", k: 50 })).hits.length, 19);
      const raw = rawClient(server.url);
      assert.deepEqual(
        await raw.keys(`${prefix}applied:*`),
        [],
        "replayed twice, guarded by the records alone: no applied:<id> keys",
      );
      raw.disconnect();
      second.close();
    });
  });
}
