import { autoRetry } from "@grammyjs/auto-retry";
import { Api, Bot } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { ChatDeps } from "../chat/pipeline";
import { AppError } from "../errors";
import { logger } from "../log";
import { botIdFromToken } from "./bot-info";
import type { RateLimiter } from "./rate-limit";
import type { TurnProgressStore } from "./turn-progress";
import type { BotContext, BotDeps } from "./context";
import { onFeatureError } from "./errors";
import { accessFeature } from "./features/access";
import { leaseGuard } from "./lease";
import { chatFeature } from "./features/chat";
import { clearFeature } from "./features/clear";
import { exportFeature } from "./features/export";
import { forgetFeature } from "./features/forget";
import { groupFeature } from "./features/group";
import { modelFeature } from "./features/model";
import { nonTextFeature } from "./features/non-text";
import { personalFeature } from "./features/personal";
import { photoFeature } from "./features/photo";
import { profileFeature } from "./features/profile";
import { rateLimitFeature } from "./features/rate-limit";
import { recallFeature } from "./features/recall";
import { startFeature } from "./features/start";
import { statsFeature } from "./features/stats";
import { voiceFeature } from "./features/voice";

const log = logger("bot");

/** Where getMe's answer is cached between cold starts (Redis in the app; see lib/bot/bot-info.ts). */
export interface BotInfoStore {
  read(botId: string): Promise<UserFromGetMe | undefined>;
  save(info: UserFromGetMe): Promise<void>;
}

export interface CreateBotOptions {
  deps: ChatDeps;
  limiter: RateLimiter;
  botInfoStore?: BotInfoStore;
  /** Known bot info (skips the store and getMe entirely). */
  botInfo?: UserFromGetMe;
  streamThrottleMs?: number;
  progress?: TurnProgressStore;
}

async function resolveBotInfo(
  token: string,
  apiRoot: string | undefined,
  opts: CreateBotOptions,
): Promise<UserFromGetMe> {
  if (opts.botInfo) return opts.botInfo;
  const cached = await opts.botInfoStore
    ?.read(botIdFromToken(token))
    .catch((e: unknown) => log.warn("bot info cache unreadable", { error: e }));
  if (cached) return cached;
  const info = await new Api(token, apiRoot ? { apiRoot } : undefined).getMe();
  await opts.botInfoStore?.save(info).catch((e: unknown) => log.warn("could not cache bot info", { error: e }));
  return info;
}

/**
 * The bot with all features. Same instance shape for the webhook route and long polling.
 * Telegram 429s are retried by grammY's auto-retry plugin (bounded, so a stuck chat cannot
 * hold a worker for minutes).
 */
export async function createBot(opts: CreateBotOptions): Promise<Bot<BotContext>> {
  const tg = opts.deps.config.telegram;
  if (tg.mode === "disabled")
    throw new AppError("config:bot", "TELEGRAM_BOT_TOKEN is not set, so there is no bot. Create one with @BotFather.");
  const botInfo = await resolveBotInfo(tg.token, tg.apiRoot, opts);
  const bot = new Bot<BotContext>(tg.token, { botInfo, client: tg.apiRoot ? { apiRoot: tg.apiRoot } : undefined });
  const retry = autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 });
  // getUpdates has its own outage handling (capped backoff, logged once: lib/bot/best-effort.ts).
  bot.api.config.use((prev, method, payload, signal) =>
    method === "getUpdates" ? prev(method, payload, signal) : retry(prev, method, payload, signal),
  );
  bot.api.config.use(leaseGuard); // a queued update's worker that lost its chat lock sends nothing

  const deps: BotDeps = {
    ...opts.deps,
    limiter: opts.limiter,
    streamThrottleMs: opts.streamThrottleMs ?? 1000,
    progress: opts.progress,
  };
  bot.use((ctx, next) => {
    ctx.deps = deps;
    return next();
  });
  // Order matters: each step may stop an update before the next one sees it.
  bot.errorBoundary(
    onFeatureError,
    accessFeature, // 1. strangers (ALLOWED_USER_IDS) and senderless updates stop here
    groupFeature, // 2. in groups, only messages addressed to the bot go on
    rateLimitFeature, // 3. per-user message budget
    startFeature, // 4. commands, before free text so "/model" is not chat
    modelFeature,
    personalFeature,
    clearFeature,
    forgetFeature,
    exportFeature,
    recallFeature,
    statsFeature,
    profileFeature,
    chatFeature, // 5. text → conversation turn
    voiceFeature, // 6. voice/audio → transcript → conversation turn
    photoFeature, // 7. photo → description (+ caption) → conversation turn
    nonTextFeature, // 8. stickers, videos, files, edits…: a polite note
  );
  bot.catch((err) => log.error("unhandled bot error", { updateId: err.ctx.update.update_id, error: err.error }));
  return bot;
}
