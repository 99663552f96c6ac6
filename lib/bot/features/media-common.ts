import { isAppError } from "../../errors";
import type { BotContext } from "../context";

/** The bot token and API root for file downloads (the bot exists, so Telegram is configured). */
export function telegramFileAccess(ctx: BotContext): { token: string; apiRoot?: string } {
  const tg = ctx.deps.config.telegram;
  if (tg.mode === "disabled") throw new Error("Telegram is not configured");
  return { token: tg.token, apiRoot: tg.apiRoot };
}

/** What to tell the user when a download failed. */
export function downloadProblem(e: unknown, what: string): string {
  if (isAppError(e) && e.code === "bad_request:bot") return `That ${what} is too large for me: ${e.message}`;
  return `I couldn't download that ${what} from Telegram just now. Please try again in a moment.`;
}
