import type { Bot } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { readBotInfo, saveBotInfo } from "../bot/bot-info";
import { createChatQueue, type ChatQueue } from "../bot/chat-queue";
import type { BotContext } from "../bot/context";
import { createBot, type BotInfoStore } from "../bot/create-bot";
import { createRateLimiter, type RateLimiter } from "../bot/rate-limit";
import { startQueueSweeper } from "../bot/sweep";
import { createTurnProgress, type TurnProgressStore } from "../bot/turn-progress";
import { createWebhookHandler } from "../bot/webhook";
import { createOpenAiLlm, type LlmClient } from "../chat/llm";
import type { ChatDeps } from "../chat/pipeline";
import { ConfigError, getConfig, type Config } from "../config";
import type { EmbeddingProvider } from "../embeddings";
import { AppError } from "../errors";
import { createMemory } from "../memory";
import type { BudgetSnapshot } from "../memory/budget";
import { redisError } from "../memory/redis-errors";
import type { JournalState, Memory } from "../memory/types";
import { bindMetricsSink, currentSink, recordLatency } from "../metrics";
import type { Redis } from "../redis/client";
import { createRuntime, type Runtime } from "../runtime";
import { dropProcessSingleton, peekProcessSingleton, processSingleton } from "./state";

/**
 * The wiring, in one place: config → Redis + embedder (runtime) → memory → LLM → chat deps →
 * bot (rate limiter, turn progress, bot-info cache) → chat queue → webhook handler, plus the
 * metrics sink. Everything is created once per process and handed down; feature modules take
 * what they need as arguments and never look anything up. Lazy: importing this connects nothing
 * (Next.js imports route modules at build time); the first use creates what it needs.
 */
export interface App {
  config: Config;
  runtime: Runtime;
  redis: Redis;
  llm: LlmClient;
  limiter: RateLimiter;
  progress: TurnProgressStore;
  botInfoStore: BotInfoStore;
  queue: ChatQueue;
  /** The memory facade, initialised once (a failed start is retried on the next call). */
  memory(): Promise<Memory>;
  /** The facade if it was started; never starts it (health, metrics). */
  startedMemory(): Memory | undefined;
  chatDeps(): Promise<ChatDeps>;
  /** The bot (bot info from the Redis cache or one getMe); a failed start is retried on the next call. */
  bot(): Promise<Bot<BotContext>>;
  /** POST /api/telegram; `runAfter` is Next.js `after()`. */
  webhook(req: Request, runAfter: (task: () => Promise<void>) => void): Promise<Response>;
}

/** What tests (and other entry points) may bring instead of the config-built parts. */
export interface AppParts {
  redis?: Redis;
  embedder?: EmbeddingProvider;
  /** A facade built elsewhere (tests: their own prefix and options). */
  memory?: Memory;
  llm?: LlmClient;
  streamThrottleMs?: number;
  /** Known bot info: no getMe and no bot-info cache read (tests with a fixed bot). */
  botInfo?: UserFromGetMe;
  /** Chat lock lease, ms (default QUEUE_LOCK_SECONDS). */
  lockMs?: number;
}

export function createApp(config: Config, parts: AppParts = {}): App {
  const runtime = createRuntime(config, { redis: parts.redis, embedder: parts.embedder });
  const { redis } = runtime;
  const prefix = config.redis.prefix;
  const llm = parts.llm ?? createOpenAiLlm(config.llm);
  const limiter = createRateLimiter(redis, prefix);
  const progress = createTurnProgress(redis, prefix);
  const botInfoStore: BotInfoStore = {
    read: (botId) => readBotInfo(redis, prefix, botId),
    save: (info) => saveBotInfo(redis, prefix, info),
  };
  const queue = createChatQueue(redis, prefix, { lockMs: parts.lockMs ?? config.queue.lockSeconds * 1000 });
  // Latency metrics go to this Redis unless something (a test, a script) bound its own sink.
  if (!currentSink()) bindMetricsSink({ redis, prefix });

  let memoryReady: Memory | undefined = parts.memory;
  let memoryStarting: Promise<Memory> | undefined = parts.memory && Promise.resolve(parts.memory);
  let botStarting: Promise<Bot<BotContext>> | undefined;
  let webhookHandler: ((req: Request) => Promise<Response>) | undefined;

  async function startMemory(): Promise<Memory> {
    const { engine } = await runtime.probe();
    const c = config;
    const memory = createMemory({
      redis,
      prefix,
      engine,
      embedder: runtime.embedder,
      historyMax: c.memory.historyMax,
      ttlDays: c.memory.ttlDays,
      longTermTtlDays: c.memory.longTermTtlDays,
      maxMessageChars: c.memory.maxMessageChars,
      encoding: c.vector.encoding,
      algorithm: c.vector.algorithm,
      journal: { file: c.memory.journalFile, max: c.memory.journalMax },
      recallCacheMb: c.memory.recallCacheMb,
      budget: { budgetMb: c.memory.budgetMb, protectDays: c.memory.historyProtectDays },
      metrics: { observe: (op, ms) => recordLatency(op, ms) },
    });
    await memory.init();
    memoryReady = memory;
    return memory;
  }

  const app: App = {
    config,
    runtime,
    redis,
    llm,
    limiter,
    progress,
    botInfoStore,
    queue,
    memory() {
      memoryStarting ??= startMemory().catch((e: unknown) => {
        memoryStarting = undefined;
        // Redis dropping during start-up is "unavailable" (503, retried), not an internal bug.
        throw e instanceof AppError ? e : redisError(e, "start the memory layer");
      });
      return memoryStarting;
    },
    startedMemory: () => memoryReady,
    async chatDeps() {
      return { memory: await app.memory(), llm, config };
    },
    bot() {
      botStarting ??= (async () =>
        createBot({
          deps: await app.chatDeps(),
          limiter,
          botInfoStore,
          progress,
          streamThrottleMs: parts.streamThrottleMs,
          botInfo: parts.botInfo,
        }))().catch((e: unknown) => {
        botStarting = undefined;
        throw e;
      });
      return botStarting;
    },
    async webhook(req, runAfter) {
      const tg = config.telegram;
      if (tg.mode !== "webhook") {
        return new AppError(
          "not_found:bot",
          tg.mode === "polling"
            ? "The bot runs in polling mode (BOT_MODE=polling); the webhook is off."
            : "The Telegram bot is not configured (TELEGRAM_BOT_TOKEN).",
        ).toResponse();
      }
      webhookHandler ??= createWebhookHandler({
        secretToken: tg.secretToken,
        token: tg.token,
        botInfo: async () => (await app.bot()).botInfo,
        queue: async () => queue,
        handle: async (update) => (await app.bot()).handleUpdate(update),
        runAfter,
      });
      return webhookHandler(req);
    },
  };
  return app;
}

/**
 * Webhook mode: sweep the chat queues at start and every QUEUE_SWEEP_SECONDS, so a chat whose
 * worker died is continued even when no further webhook arrives. Returns the stop function.
 */
export function startQueueSweeping(app: App): (() => void) | undefined {
  const c = app.config;
  if (c.telegram.mode !== "webhook") return undefined; // polling handles updates in-process, without the queue
  return startQueueSweeper({
    queue: async () => app.queue,
    handle: async (update) => (await app.bot()).handleUpdate(update),
    intervalMs: c.queue.sweepSeconds * 1000,
    staleMs: c.queue.staleMinutes * 60_000,
  });
}

// ---- the process's app (the only state kept across Next.js bundles and hot reloads) ----

const APP = "app";

/** The process's app, built from the validated config on first use. */
export function getApp(): App {
  return processSingleton(APP, () => createApp(getConfig()));
}

/** Tests: closes the process's app (if any) so the next getApp() builds a new one from the current env. */
export function resetAppForTests(): void {
  const app = peekProcessSingleton<App>(APP);
  if (!app) return;
  (app.startedMemory() as { close?: () => void } | undefined)?.close?.();
  app.redis.disconnect();
  dropProcessSingleton(APP);
}

export const getRuntime = (): Runtime => getApp().runtime;
export const getMemory = (): Promise<Memory> => getApp().memory();
export const getChatDeps = (): Promise<ChatDeps> => getApp().chatDeps();
export const getAppBot = (): Promise<Bot<BotContext>> => getApp().bot();

/** The webhook route: answers 503 for a broken config instead of throwing. */
export async function handleTelegramWebhook(
  req: Request,
  runAfter: (task: () => Promise<void>) => void,
): Promise<Response> {
  let app: App;
  try {
    app = getApp();
  } catch (e) {
    if (e instanceof ConfigError)
      return new AppError(
        "unavailable:config",
        "The server configuration is invalid; see the server log.",
      ).toResponse();
    throw e;
  }
  return app.webhook(req, runAfter);
}

/** Journal state of the app's facade if it was started (health page); never starts it. */
export function memoryJournalState(): JournalState | undefined {
  return peekProcessSingleton<App>(APP)?.startedMemory()?.journalState();
}

/** The app facade's last budget check (health page); never starts the facade. */
export function memoryBudgetSnapshot(): BudgetSnapshot | undefined {
  return (
    peekProcessSingleton<App>(APP)?.startedMemory() as { budgetSnapshot?: () => BudgetSnapshot | undefined } | undefined
  )?.budgetSnapshot?.();
}
