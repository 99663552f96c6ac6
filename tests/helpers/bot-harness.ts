import type { Bot } from "grammy";
import type { Redis } from "ioredis";
import { createApp } from "@/lib/app";
import type { BotContext } from "@/lib/bot/context";
import { tokenCounterFor } from "@/lib/chat/tokens";
import { loadConfig, type Config } from "@/lib/config";
import type { EmbeddingProvider } from "@/lib/embeddings";
import { createMemoryContext, type CreateMemoryOptions } from "@/lib/memory";
import type { Memory } from "@/lib/memory/types";
import type { ChatQueue } from "@/lib/bot/chat-queue";
import { createRedisClient } from "@/lib/redis/client";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-api";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram-api";
import { hashBagEmbedder, memoryOptions, testMemory } from "./memory";
import { deletePrefix, rawClient, uniquePrefix, type TestServer } from "./servers";

export const WEBHOOK_SECRET = "test-webhook-secret-0123456789abcdef";

/**
 * The bot end to end: fake Telegram + fake OpenAI servers, real Redis and memory layer, the real
 * bot and the real webhook handler, wired by the app's own createApp (lib/app, the code behind app/api/telegram)
 * with `runAfter` collecting the after-response work so tests can wait for it.
 */
export interface BotHarness {
  tg: FakeTelegram;
  ai: FakeOpenAI;
  redis: Redis;
  raw: Redis;
  prefix: string;
  config: Config;
  memory: Memory;
  bot: Bot<BotContext>;
  queue: ChatQueue;
  /** POSTs an update to the webhook handler; `secret: null` omits the header. */
  post(update: unknown, opts?: { secret?: string | null; rawBody?: string }): Promise<Response>;
  /** Waits until all after-response work (and work it started) has finished. */
  settle(): Promise<void>;
  /** Rebuilds bot + handler with other env values (same servers, same Redis prefix). */
  reconfigure(env: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  server: TestServer;
  env?: Record<string, string>;
  embedder?: EmbeddingProvider;
  lockMs?: number;
  streamThrottleMs?: number;
  /** Where the bot's own connection goes (e.g. a fault proxy in front of `server`); default `server.url`. */
  redisUrl?: string;
  /** Facade options over the test defaults (budget, encoding…). */
  memory?: Partial<CreateMemoryOptions>;
}

export async function createBotHarness(opts: HarnessOptions): Promise<BotHarness> {
  const [tg, ai] = await Promise.all([startFakeTelegram(), startFakeOpenAI()]);
  const prefix = uniquePrefix("bot");
  const redis = createRedisClient({ url: opts.redisUrl ?? opts.server.url, name: "mindmate-bot-test" });
  const raw = rawClient(opts.server.url);
  const embedder = opts.embedder ?? hashBagEmbedder();
  const memory = await testMemory(opts.server, redis, prefix, { embedder, ...opts.memory });
  const pending = new Set<Promise<void>>();
  await tokenCounterFor("gpt-4o-mini"); // load the tokenizer tables (~2 s CPU) before timing anything

  const h = { tg, ai, redis, raw, prefix, memory } as unknown as BotHarness;
  let handler: (req: Request) => Promise<Response>;

  async function build(env: Record<string, string>) {
    h.config = loadConfig({
      NODE_ENV: "test",
      LOG_LEVEL: "error",
      REDIS_URL: opts.server.url,
      REDIS_PREFIX: prefix,
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGRAM_API_ROOT: tg.apiRoot,
      OPENAI_API_KEY: "sk-test-fake",
      OPENAI_BASE_URL: ai.baseURL,
      LLM_TIMEOUT_MS: "3000",
      DEFAULT_MODEL: "gpt-4o-mini",
      RATE_LIMIT_PER_MINUTE: "0",
      RECALL_MIN_SCORE: "0.3",
      // Profile extraction adds model calls after turns; tests/integration/bot-profile.test.ts turns it on.
      PROFILE: "off",
      ...opts.env,
      ...env,
    });
    // The app's own wiring (lib/app createApp), with this test's Redis connection, embedder and facade.
    const app = createApp(h.config, {
      redis,
      embedder,
      memory,
      streamThrottleMs: opts.streamThrottleMs,
      lockMs: opts.lockMs ?? 30_000,
    });
    h.bot = await app.bot();
    h.queue = app.queue;
    handler = (req) =>
      app.webhook(req, (task) => {
        // Like Next.js after(): starts once the response has been produced.
        const p: Promise<void> = new Promise<void>((r) => setImmediate(r)).then(task).finally(() => pending.delete(p));
        pending.add(p);
      });
  }
  await build({});

  h.reconfigure = build;
  h.post = async (update, o = {}) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    const secret = o.secret === undefined ? WEBHOOK_SECRET : o.secret;
    if (secret !== null) headers["x-telegram-bot-api-secret-token"] = secret;
    return handler(
      new Request("http://localhost/api/telegram", {
        method: "POST",
        headers,
        body: o.rawBody ?? JSON.stringify(update),
      }),
    );
  };
  h.settle = async () => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };
  h.close = async () => {
    await h.settle();
    await createMemoryContext(memoryOptions(opts.server, redis, prefix, { embedder }))
      .engine.dropAll()
      .catch(() => undefined);
    await deletePrefix(raw, prefix);
    (memory as { close?: () => void }).close?.();
    redis.disconnect();
    raw.disconnect();
    await Promise.all([tg.close(), ai.close()]);
  };
  return h;
}

/** The texts the bot sent to a chat (sendMessage), in order. */
export function textsTo(tg: FakeTelegram, chatId: number): string[] {
  return tg
    .callsOf("sendMessage")
    .filter((c) => Number(c.params.chat_id) === chatId)
    .map((c) => String(c.params.text));
}
