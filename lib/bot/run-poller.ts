import { GrammyError, HttpError, type Bot } from "grammy";
import { AppError } from "../errors";
import { logger } from "../log";
import type { App } from "../app";
import { backoffMs, fatalTelegramError, serverAnswer } from "./best-effort";
import type { BotContext } from "./context";
import { acquirePollLock, type PollLock } from "./poll-lock";
import { startPolling, type PollingOptions } from "./polling";

const log = logger("bot");

/** What a poller needs from the app (lib/app). */
export type PollerApp = Pick<App, "config" | "redis" | "bot" | "botInfoStore">;

/** The app's bot; a getMe that fails for a reason other than a bad token is retried (capped backoff). */
export async function getAppBotPatiently(
  app: Pick<App, "bot">,
  opts: { backoff?: PollingOptions["backoff"]; isStopped?: () => boolean } = {},
): Promise<Bot<BotContext>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await app.bot();
    } catch (e) {
      const fatal = fatalTelegramError(e, "getMe");
      if (fatal || !(e instanceof GrammyError || e instanceof HttpError)) throw fatal ?? e;
      if (opts.isStopped?.()) throw e;
      if (attempt === 1) log.warn(`getMe failed (${serverAnswer(e)}); retrying with backoff until Telegram answers`);
      await new Promise((r) => setTimeout(r, backoffMs(attempt, opts.backoff?.capMs, opts.backoff?.baseMs)));
    }
  }
}

export interface RunningPoller {
  /** Resolves when polling ended (stop() or a fatal error, which it rejects with). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Long polling guarded by the Redis poll lock (lib/bot/poll-lock.ts): `npm run bot:poll` and
 * the dev server's in-process poller. Rejects with `conflict:bot` when another process polls.
 */
export async function runPoller(
  app: PollerApp,
  opts: { label: string; dropPending?: boolean; backoff?: PollingOptions["backoff"]; lockTtlMs?: number },
): Promise<RunningPoller> {
  const tg = app.config.telegram;
  if (tg.mode === "disabled")
    throw new AppError(
      "config:bot",
      "TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather and put the token in .env.local (see docs/bot.md).",
    );
  let stopped = false;
  const bot = await getAppBotPatiently(app, { backoff: opts.backoff, isStopped: () => stopped });
  const got = await acquirePollLock(app.redis, app.config.redis.prefix, tg.token, {
    ttlMs: opts.lockTtlMs,
    label: opts.label,
  });
  if (!got.acquired) {
    throw new AppError(
      "conflict:bot",
      `Another poller already receives this bot's updates (${got.heldBy}); not polling here. Stop it first if this process should poll.`,
    );
  }
  const lock: PollLock = got.lock;
  const store = app.botInfoStore;
  lock.onLost(() => {
    log.error("the polling lock was taken over by another process; stopping this poller");
    void bot.stop().catch(() => {});
  });
  const done = startPolling(bot, {
    dropPending: opts.dropPending,
    backoff: opts.backoff,
    refreshBotInfo: async () => store.save(await bot.api.getMe()),
  }).finally(() => lock.release().catch(() => {}));
  return {
    done,
    async stop() {
      stopped = true;
      if (bot.isRunning()) await bot.stop().catch((e: unknown) => log.warn(`stopping the poller: ${serverAnswer(e)}`));
      await done.catch(() => {});
    },
  };
}
