import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { handleTelegramWebhook, resetAppForTests } from "@/lib/app";
import { createBot } from "@/lib/bot/create-bot";
import { startPolling } from "@/lib/bot/polling";
import { getChatDeps } from "@/lib/app";
import { resetConfigForTests } from "@/lib/config";
import { botInfoKey } from "@/lib/bot/bot-info";
import { createRateLimiter } from "@/lib/bot/rate-limit";
import { getRuntime } from "@/lib/app";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-api";
import { BOT_USER, startFakeTelegram, type FakeTelegram } from "../fakes/telegram-api";
import { deletePrefix, keysWithPrefix, rawClient, testServers, uniquePrefix } from "../helpers/servers";
import { testUser, textUpdate } from "../helpers/telegram-updates";

/**
 * The app's own wiring, configured only through environment variables like a deployment:
 * the route logic (handleTelegramWebhook → getAppBot → getChatDeps → getMemory, with the
 * OpenAI embedder against the fake), bot info cached in Redis across cold starts, long
 * polling, and the `webhook:*` / `bot:poll` scripts as child processes.
 */

const server = testServers().available[0];
const noServer = server ? false : "no test Redis (REDIS7_URL etc. not set): run through npm test";
const root = path.resolve(__dirname, "../..");
const SECRET = "route-test-secret-abcdefghijklmnop";

describe("telegram route wiring, polling and scripts", { skip: noServer }, () => {
  let tg: FakeTelegram;
  let ai: FakeOpenAI;
  const prefix = uniquePrefix("botroute");
  let env: Record<string, string>;
  const pending: Promise<void>[] = [];
  const runAfter = (task: () => Promise<void>) =>
    void pending.push(new Promise<void>((r) => setImmediate(r)).then(task));
  const settle = async () => {
    while (pending.length > 0) await Promise.allSettled(pending.splice(0));
  };
  const post = (update: unknown, secret: string | null = SECRET) =>
    handleTelegramWebhook(
      new Request("http://localhost/api/telegram", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(secret === null ? {} : { "x-telegram-bot-api-secret-token": secret }),
        },
        body: JSON.stringify(update),
      }),
      runAfter,
    );
  const coldStart = () => resetAppForTests(); // a new process: new connection, new bot, bot info from the Redis cache

  before(async () => {
    [tg, ai] = await Promise.all([startFakeTelegram(), startFakeOpenAI()]);
    env = {
      NODE_ENV: "test",
      LOG_LEVEL: "error",
      REDIS_URL: server!.url,
      REDIS_PREFIX: prefix,
      BOT_MODE: "webhook",
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: tg.apiRoot,
      PUBLIC_URL: "https://mindmate.example.com",
      OPENAI_API_KEY: "sk-test-fake",
      OPENAI_BASE_URL: ai.baseURL,
      EMBEDDING_PROVIDER: "openai",
      EMBEDDING_MODEL: "text-embedding-3-small",
      DEFAULT_MODEL: "gpt-4o-mini",
    };
    Object.assign(process.env, env);
    resetConfigForTests();
  });
  after(async () => {
    await settle();
    const raw = rawClient(server!.url);
    await deletePrefix(raw, prefix);
    raw.disconnect();
    getRuntime().redis.disconnect();
    await Promise.all([tg?.close(), ai?.close()]);
  });

  it("the route answers through the app's singletons; bot info is fetched once and then read from Redis on cold starts", async () => {
    const u = testUser(950001);
    assert.equal((await post(textUpdate(u, "hello app"), "wrong")).status, 401);
    assert.equal((await post({ nope: 1 })).status, 400);
    assert.equal(tg.callsOf("getMe").length, 0, "rejected requests cost no Bot API call");

    assert.equal((await post(textUpdate(u, "hello app"))).status, 200);
    await settle();
    assert.deepEqual(
      tg.callsOf("sendMessage").map((c) => c.params.text),
      ["You said: hello app"],
    );
    assert.equal(tg.callsOf("getMe").length, 1);
    const raw = rawClient(server!.url);
    assert.equal(JSON.parse((await raw.get(botInfoKey(prefix, String(BOT_USER.id))))!).username, BOT_USER.username);
    raw.disconnect();
    assert.ok(
      ai.requests.some((r) => r.path === "/v1/embeddings"),
      "the OpenAI embedder stored the messages through the fake",
    );

    coldStart();
    assert.equal((await post(textUpdate(u, "after a cold start"))).status, 200);
    await settle();
    assert.equal(tg.callsOf("getMe").length, 1, "the cold start used the cached bot info");
    assert.equal(tg.callsOf("sendMessage").at(-1)!.params.text, "You said: after a cold start");
  });

  it("long polling: deletes the webhook, registers commands, answers updates from getUpdates", async () => {
    tg.reset();
    const deps = await getChatDeps();
    const bot = await createBot({ deps, limiter: createRateLimiter(getRuntime().redis, prefix), botInfo: BOT_USER });
    const u = testUser(950002);
    const running = startPolling(bot);
    tg.pushUpdates(textUpdate(u, "polled one"), textUpdate(u, "polled two"));
    await tg.waitFor(() => tg.sentTo(u.id).length >= 2, 15_000, "two polled replies");
    await bot.stop();
    await running;
    const order = tg.calls.map((c) => c.method);
    assert.ok(order.indexOf("deleteWebhook") < order.indexOf("getUpdates"));
    assert.ok(order.includes("setMyCommands"));
    assert.deepEqual(
      tg.sentTo(u.id).map((c) => c.params.text),
      ["You said: polled one", "You said: polled two"],
    );
  });

  const runScript = (args: string[], extraEnv: Record<string, string> = {}, until?: () => boolean) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", ...args], {
        cwd: root,
        env: { ...process.env, ...env, ...extraEnv },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      const poll = until && setInterval(() => until() && child.kill("SIGINT"), 100);
      child.on("error", reject);
      child.on("exit", (code) => {
        clearTimeout(timer);
        if (poll) clearInterval(poll);
        resolve({ code, stdout, stderr });
      });
    });

  it("webhook:set / webhook:info / webhook:delete talk to the Bot API and print its answers", async () => {
    tg.reset();
    const set = await runScript(["scripts/webhook.ts", "set", "--drop-pending"]);
    assert.equal(set.code, 0, set.stderr);
    const call = tg.callsOf("setWebhook")[0]!;
    assert.equal(call.params.url, "https://mindmate.example.com/api/telegram");
    assert.equal(call.params.secret_token, SECRET);
    assert.deepEqual(call.params.allowed_updates, ["message", "edited_message", "callback_query"]);
    assert.equal(call.params.drop_pending_updates, true);
    assert.equal(tg.callsOf("setMyCommands").length, 1);
    assert.match(set.stdout, /setWebhook: true/);
    assert.match(set.stdout, /"url": "https:\/\/mindmate\.example\.com\/api\/telegram"/);

    const info = await runScript(["scripts/webhook.ts", "info"]);
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout, /getWebhookInfo: \{[\s\S]*"url": "https:\/\/mindmate\.example\.com\/api\/telegram"/);
    const del = await runScript(["scripts/webhook.ts", "delete"]);
    assert.equal(del.code, 0, del.stderr);
    assert.match(del.stdout, /deleteWebhook: true/);
    assert.equal(tg.webhook.url, undefined);

    const noUrl = await runScript(["scripts/webhook.ts", "set"], { PUBLIC_URL: "" });
    assert.equal(noUrl.code, 1);
    assert.match(noUrl.stderr, /PUBLIC_URL is not set/);
  });

  it("npm run bot:poll (scripts/bot-poll.ts) answers a message and stops cleanly on SIGINT", async () => {
    tg.reset();
    const u = testUser(950003);
    tg.pushUpdates(textUpdate(u, "hello poller"));
    const res = await runScript(["scripts/bot-poll.ts"], {}, () => tg.sentTo(u.id).length > 0);
    assert.deepEqual(
      tg.sentTo(u.id).map((c) => c.params.text),
      ["You said: hello poller"],
    );
    assert.equal(res.code, 0, res.stderr);
    const raw = rawClient(server!.url);
    assert.ok(
      (await keysWithPrefix(raw, `${prefix}h:${u.id}`)).length === 1,
      "the poller stored the conversation in the same Redis",
    );
    raw.disconnect();
  });
});
