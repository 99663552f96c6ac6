import type { Context } from "grammy";
import type { ChatDeps } from "../chat/pipeline";
import type { RateLimiter } from "./rate-limit";
import type { TurnProgressStore } from "./turn-progress";

/** What every feature can reach through `ctx.deps` (set by createBot, injected in tests). */
export interface BotDeps extends ChatDeps {
  limiter: RateLimiter;
  /** Minimum gap between streamed preview updates (Telegram allows about one edit per second). */
  streamThrottleMs: number;
  /** Per-update turn progress and reply markers (a redo resumes instead of answering twice); absent = none. */
  progress?: TurnProgressStore;
}

export type BotContext = Context & { deps: BotDeps };

export function isPrivate(ctx: Context): boolean {
  return ctx.chat?.type === "private";
}

/** For commands that show personal data: only in a private chat with the bot. */
export async function requirePrivate(ctx: BotContext): Promise<boolean> {
  if (isPrivate(ctx)) return true;
  await ctx.reply("Please use this command in a private chat with me — it shows your personal data.");
  return false;
}
