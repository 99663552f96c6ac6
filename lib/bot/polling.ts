import type { Bot } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { logger } from "../log";
import { fatalTelegramError, installPollingResilience, retryInBackground, type BackgroundTask } from "./best-effort";
import { ALLOWED_UPDATES, registerCommands } from "./commands";
import type { BotContext } from "./context";

const log = logger("bot");

export interface PollingOptions {
  dropPending?: boolean;
  onStart?: (me: UserFromGetMe) => void;
  /** Refreshes the cached bot info (getMe) in the background; best-effort. */
  refreshBotInfo?: () => Promise<unknown>;
  /** Backoff for getUpdates outages and cosmetic retries (tests shorten it). */
  backoff?: { baseMs?: number; capMs?: number };
}

/**
 * Long polling for local runs without a public URL: removes the webhook (Telegram delivers to
 * one or the other), then handles updates one by one in arrival order — the same bot and
 * pipeline as the webhook route. Only an invalid token (401) or another poller (409) ends it
 * with an error (an AppError whose message is the fix); the command menu and the bot-info
 * refresh are best-effort background work, and getUpdates outages are waited out with the
 * same offset (lib/bot/best-effort.ts). Resolves when `bot.stop()` is called.
 */
export async function startPolling(bot: Bot<BotContext>, opts: PollingOptions = {}): Promise<void> {
  installPollingResilience(bot.api, opts.backoff);
  const background: BackgroundTask[] = [];
  try {
    await bot.start({
      allowed_updates: [...ALLOWED_UPDATES],
      drop_pending_updates: opts.dropPending ?? false,
      onStart: (me) => {
        log.info(`polling as @${me.username}; press Ctrl+C to stop`);
        background.push(retryInBackground("setMyCommands", () => registerCommands(bot.api), opts.backoff));
        if (opts.refreshBotInfo) background.push(retryInBackground("getMe", opts.refreshBotInfo, opts.backoff));
        opts.onStart?.(me);
      },
    });
  } catch (e) {
    throw fatalTelegramError(e, (e as { method?: string }).method ?? "getUpdates") ?? e;
  } finally {
    for (const t of background) t.stop();
  }
}
