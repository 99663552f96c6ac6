import type { BotError } from "grammy";
import { isAppError } from "../errors";
import { logger } from "../log";
import type { BotContext } from "./context";

const log = logger("bot");

function apologyFor(error: unknown): string {
  if (isAppError(error) && (error.surface === "redis" || error.surface === "memory") && error.type === "unavailable") {
    return "Sorry — my memory store is unavailable right now, so I can't answer properly. Please try again in a minute.";
  }
  return "Sorry — something went wrong on my side. Please try again.";
}

/**
 * The error boundary around all features: logs the failure with the update's context and
 * tells the user (or the button presser) briefly, so one bad update never stops the bot or the
 * chat's queue.
 */
export async function onFeatureError(err: BotError<BotContext>): Promise<void> {
  const ctx = err.ctx;
  log.error("update handling failed", {
    updateId: ctx.update.update_id,
    chatId: ctx.chatId,
    userId: ctx.from?.id,
    error: err.error,
  });
  try {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: "Sorry, that didn't work. Please try again." });
    else if (ctx.chat && (ctx.chat.type === "private" || ctx.message)) await ctx.reply(apologyFor(err.error));
  } catch (e) {
    log.warn("could not tell the user about the failure", { updateId: ctx.update.update_id, error: e });
  }
}
