import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { acquirePollLock, pollLockKey } from "@/lib/bot/poll-lock";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-api";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram-api";
import { deletePrefix, rawClient, testServers, uniquePrefix } from "../helpers/servers";
import { testUser, textUpdate } from "../helpers/telegram-updates";

/**
 * Issue 18: `npm run bot:poll` as a child process against a fake Bot API server that refuses a
 * cosmetic method (with and without a description) or fails getUpdates for a while keeps
 * answering every message exactly once; an invalid token or another poller stops it with the
 * fix in the message. Plus the Redis poll lock that keeps a second poller (a second
 * `npm run dev`) from polling the same bot.
 */

const server = testServers().available[0];
const noServer = server ? false : "no test Redis (REDIS7_URL etc. not set): run through npm test";
const root = path.resolve(__dirname, "../..");

describe("bot:poll survives cosmetic failures and outages; only 401/409 stop it", { skip: noServer }, () => {
  let tg: FakeTelegram;
  let ai: FakeOpenAI;
  const prefixes: string[] = [];
  const children: ChildProcess[] = [];

  before(async () => {
    [tg, ai] = await Promise.all([startFakeTelegram(), startFakeOpenAI()]);
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    await Promise.all([tg.close(), ai.close()]);
    const raw = rawClient(server!.url);
    for (const p of prefixes) await deletePrefix(raw, p);
    raw.disconnect();
  });

  const poll = (extraEnv: Record<string, string> = {}) => {
    const prefix = uniquePrefix("botstart");
    prefixes.push(prefix);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      REDIS_URL: server!.url,
      REDIS_PREFIX: prefix,
      BOT_MODE: "polling",
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      OPENAI_API_KEY: "sk-test-fake",
      OPENAI_BASE_URL: ai.baseURL,
      EMBEDDING_PROVIDER: "openai",
      EMBEDDING_MODEL: "text-embedding-3-small",
      DEFAULT_MODEL: "gpt-4o-mini",
      ...extraEnv,
    };
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/bot-poll.ts"], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const exited = new Promise<number | null>((r) =>
      child.on("exit", (code) => {
        clearTimeout(timer);
        r(code);
      }),
    );
    return { child, prefix, output: () => output, exited };
  };
  const count = (text: string, needle: string) => text.split(needle).length - 1;

  /** Sends messages while bot:poll runs, waits for every reply, then stops it with SIGINT. */
  async function answersEverything(run: ReturnType<typeof poll>, userId: number, texts: string[]) {
    const u = testUser(userId);
    tg.pushUpdates(...texts.map((t) => textUpdate(u, t)));
    await tg.waitFor(
      () => tg.sentTo(u.id).length >= texts.length,
      45_000,
      `${texts.length} replies (output: ${run.output()})`,
    );
    run.child.kill("SIGINT");
    assert.equal(await run.exited, 0, run.output());
    assert.deepEqual(
      tg.sentTo(u.id).map((c) => c.params.text),
      texts.map((t) => `You said: ${t}`),
      "each message answered exactly once, in order",
    );
  }

  for (const [label, refusal, answer] of [
    [
      "with a description",
      { code: 400, description: "Bad Request: method is not implemented" },
      "400: Bad Request: method is not implemented",
    ],
    ["without a description", { code: 404 }, "no error code: (no description)"],
  ] as const) {
    it(`keeps answering when the server refuses setMyCommands (${label}); logs the method and the answer once`, async () => {
      tg.reset();
      tg.refuseMethod("setMyCommands", refusal);
      const run = poll();
      await answersEverything(run, 960001 + (label.length % 7), ["one", "two"]);
      assert.equal(count(run.output(), "] setMyCommands failed ("), 1, run.output());
      assert.ok(run.output().includes(`setMyCommands failed (${answer})`), run.output());
      assert.ok(tg.callsOf("setMyCommands").length >= 1);
    });
  }

  it("keeps answering when the server refuses deleteWebhook too", async () => {
    tg.reset();
    tg.refuseMethod("deleteWebhook", { code: 404 });
    tg.refuseMethod("setMyCommands", { code: 404 });
    await answersEverything(poll(), 960010, ["still here"]);
  });

  for (const kind of ["5xx", "network"] as const) {
    it(`survives getUpdates failing 3 times (${kind}): logged once per outage, same offset, nothing twice or skipped`, async () => {
      tg.reset();
      const u = testUser(kind === "5xx" ? 960020 : 960021);
      const run = poll();
      tg.pushUpdates(textUpdate(u, "before the outage"));
      await tg.waitFor(() => tg.sentTo(u.id).length >= 1, 45_000, `first reply (output: ${run.output()})`);
      tg.failGetUpdates(3, kind);
      tg.pushUpdates(textUpdate(u, "during the outage"), textUpdate(u, "after it"));
      await tg.waitFor(() => tg.sentTo(u.id).length >= 3, 45_000, `replies after the outage (output: ${run.output()})`);
      run.child.kill("SIGINT");
      assert.equal(await run.exited, 0, run.output());
      assert.deepEqual(
        tg.sentTo(u.id).map((c) => c.params.text),
        ["You said: before the outage", "You said: during the outage", "You said: after it"],
      );
      assert.equal(count(run.output(), "] getUpdates failed ("), 1, run.output());
      assert.match(run.output(), /getUpdates works again after 3 failed attempt\(s\); resuming at offset \d+/);
      const offsets = tg.callsOf("getUpdates").map((c) => Number(c.params.offset ?? 0));
      assert.ok(
        offsets.every((o, i) => i === 0 || o >= offsets[i - 1]!),
        `offsets never go back: ${offsets.join(",")}`,
      );
    });
  }

  it("an invalid token (401 on getMe) exits non-zero with the fix", async () => {
    tg.reset();
    const run = poll({ TELEGRAM_BOT_TOKEN: "123:not-the-right-token" });
    assert.notEqual(await run.exited, 0);
    assert.match(
      run.output(),
      /Telegram refused the bot token \(getMe: 401 Unauthorized\)\. TELEGRAM_BOT_TOKEN is wrong or was revoked: copy the token from @BotFather/,
    );
  });

  it("a conflicting poller (409 on getUpdates) exits non-zero with what to do", async () => {
    tg.reset();
    tg.refuseMethod("getUpdates", {
      code: 409,
      description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    });
    const run = poll();
    assert.notEqual(await run.exited, 0);
    assert.match(
      run.output(),
      /another process is receiving this bot's updates\. Stop the other `npm run bot:poll` \/ `npm run dev`/,
    );
  });

  const webhookSet = (extraEnv: Record<string, string> = {}) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        NODE_ENV: "test",
        LOG_LEVEL: "error",
        BOT_MODE: "webhook",
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_API_ROOT: tg.apiRoot,
        TELEGRAM_WEBHOOK_SECRET: "startup-test-secret-abcdefghijkl",
        PUBLIC_URL: "https://mindmate.example.com",
        ...extraEnv,
      };
      const child = spawn(process.execPath, ["--import", "tsx", "scripts/webhook.ts", "set"], {
        cwd: root,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
      child.on("exit", (code) => resolve({ code, output }));
    });

  it("npm run webhook:set: a refused setMyCommands is a warning (the webhook is set); an invalid token fails with the fix", async () => {
    tg.reset();
    tg.refuseMethod("setMyCommands");
    const ok = await webhookSet();
    assert.equal(ok.code, 0, ok.output);
    assert.match(ok.output, /setWebhook: true/);
    assert.match(ok.output, /setMyCommands failed \(no error code: \(no description\)\): the webhook works/);
    assert.equal(tg.webhook.url, "https://mindmate.example.com/api/telegram");
    const bad = await webhookSet({ TELEGRAM_BOT_TOKEN: "123:not-the-right-token" });
    assert.equal(bad.code, 1);
    assert.match(
      bad.output,
      /Telegram refused the bot token \(setWebhook: 401 Unauthorized\)\. TELEGRAM_BOT_TOKEN is wrong or was revoked/,
    );
  });

  it("a second bot:poll on the same Redis does not poll while the first holds the lock", async () => {
    tg.reset();
    const first = poll();
    await tg.waitFor(
      () => tg.callsOf("getUpdates").length > 0,
      45_000,
      `first poller polling (output: ${first.output()})`,
    );
    const second = poll({ REDIS_PREFIX: first.prefix });
    assert.notEqual(await second.exited, 0);
    assert.match(second.output(), /Another poller already receives this bot's updates \(npm run bot:poll pid \d+/);
    await answersEverything(first, 960030, ["only the first answers"]);
  });
});

describe("Redis poll lock", { skip: noServer }, () => {
  const prefix = uniquePrefix("polllock");
  const token = "4242:lock-test";
  let redis: Redis;
  before(() => {
    redis = new Redis(server!.url, { maxRetriesPerRequest: 1 });
  });
  after(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it("one holder at a time; renewed while held; released on stop; an expired holder loses it", async () => {
    const a = await acquirePollLock(redis, prefix, token, { ttlMs: 600, label: "dev server A" });
    assert.ok(a.acquired);
    const b = await acquirePollLock(redis, prefix, token, { ttlMs: 600, label: "dev server B" });
    assert.equal(b.acquired, false);
    assert.match(b.acquired ? "" : b.heldBy, /^dev server A pid \d+/);
    await new Promise((r) => setTimeout(r, 1500)); // > 2 TTLs: only renewal keeps it
    assert.equal((await acquirePollLock(redis, prefix, token, { ttlMs: 600 })).acquired, false, "renewed while held");
    await a.lock.release();
    assert.equal(await redis.exists(pollLockKey(prefix, token)), 0);
    const c = await acquirePollLock(redis, prefix, token, { ttlMs: 600, label: "dev server C" });
    assert.ok(c.acquired, "free again after release");
    let lost = false;
    c.lock.onLost(() => (lost = true));
    await redis.set(pollLockKey(prefix, token), "someone else", "PX", 5000); // C's lock expired and was taken over
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(lost, true, "the holder notices the takeover");
    await c.lock.release();
    assert.equal(
      await redis.get(pollLockKey(prefix, token)),
      "someone else",
      "release never deletes another holder's lock",
    );
    // A holder on this machine whose process is gone (Ctrl+C before the release got through) is taken over.
    await redis.set(
      pollLockKey(prefix, token),
      `npm run dev pid 999999999 on ${os.hostname()} (deadbeef)`,
      "PX",
      30_000,
    );
    const d = await acquirePollLock(redis, prefix, token, { ttlMs: 600, label: "dev server D" });
    assert.ok(d.acquired, "a dead local holder does not block a restart for the whole TTL");
    if (d.acquired) await d.lock.release();
  });
});
