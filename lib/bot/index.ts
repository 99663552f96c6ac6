import type { Bot } from "grammy";
import { getChatDeps } from "../chat/pipeline";
import { ConfigError, getConfig, type Config } from "../config";
import { AppError } from "../errors";
import { readBotInfo, saveBotInfo } from "./bot-info";
import { createChatQueue, type ChatQueue } from "./chat-queue";
import { createRateLimiter } from "./rate-limit";
import { createTurnProgress } from "./turn-progress";
import { getRuntime } from "../runtime";
import type { BotContext } from "./context";
import { createBot, type BotInfoStore } from "./create-bot";
import { startQueueSweeper } from "./sweep";
import { createWebhookHandler } from "./webhook";

export { createBot } from "./create-bot";
export type { BotContext, BotDeps } from "./context";

/**
 * How long a chat lock lives without renewal. The drain renews it every third of that and
 * before every Bot API call, so it needs to outlast only an event-loop stall, not a model call;
 * it bounds how long a crashed worker's chats wait for the sweep.
 */
export function chatLockMs(config: Config): number {
  return config.queue.lockSeconds * 1000;
}

export function redisBotInfoStore(): BotInfoStore {
  const rt = getRuntime();
  return {
    read: (botId) => readBotInfo(rt.redis, rt.config.redis.prefix, botId),
    save: (info) => saveBotInfo(rt.redis, rt.config.redis.prefix, info),
  };
}

const g = globalThis as unknown as { __mindmateBot?: Promise<Bot<BotContext>>; __mindmateWebhook?: (req: Request) => Promise<Response> };

/** The app's bot (one per process), with bot info from the Redis cache when possible. */
export function getAppBot(): Promise<Bot<BotContext>> {
  g.__mindmateBot ??= (async () => {
    const deps = await getChatDeps();
    const rt = getRuntime();
    return createBot({ deps, limiter: createRateLimiter(rt.redis, rt.config.redis.prefix), botInfoStore: redisBotInfoStore(), progress: createTurnProgress(rt.redis, rt.config.redis.prefix) });
  })().catch((e: unknown) => {
    g.__mindmateBot = undefined;
    throw e;
  });
  return g.__mindmateBot;
}

export function getAppChatQueue(): ChatQueue {
  const rt = getRuntime();
  return createChatQueue(rt.redis, rt.config.redis.prefix, { lockMs: chatLockMs(rt.config) });
}

/**
 * Webhook mode: sweep the chat queues at start and every QUEUE_SWEEP_SECONDS, so a chat whose
 * worker died is continued even when no further webhook arrives.
 */
export function startAppQueueSweeper(config: Config): (() => void) | undefined {
  if (config.telegram.mode !== "webhook") return undefined; // polling handles updates in-process, without the queue
  return startQueueSweeper({
    queue: async () => getAppChatQueue(),
    handle: async (update) => (await getAppBot()).handleUpdate(update),
    intervalMs: config.queue.sweepSeconds * 1000,
    staleMs: config.queue.staleMinutes * 60_000,
  });
}

/** The webhook route's logic; `runAfter` is Next.js `after()`. */
export async function handleTelegramWebhook(req: Request, runAfter: (task: () => Promise<void>) => void): Promise<Response> {
  let config: Config;
  try {
    config = getConfig();
  } catch (e) {
    if (e instanceof ConfigError) return new AppError("unavailable:config", "The server configuration is invalid; see the server log.").toResponse();
    throw e;
  }
  const tg = config.telegram;
  if (tg.mode !== "webhook") {
    return new AppError("not_found:bot", tg.mode === "polling" ? "The bot runs in polling mode (BOT_MODE=polling); the webhook is off." : "The Telegram bot is not configured (TELEGRAM_BOT_TOKEN).").toResponse();
  }
  g.__mindmateWebhook ??= createWebhookHandler({
    secretToken: tg.secretToken,
    token: tg.token,
    botInfo: async () => (await getAppBot()).botInfo,
    queue: async () => getAppChatQueue(),
    handle: async (update) => (await getAppBot()).handleUpdate(update),
    runAfter,
  });
  return g.__mindmateWebhook(req);
}

