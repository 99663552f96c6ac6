import { Composer } from "grammy";
import type { BotContext } from "../context";

/** /clear: a new conversation. Short-term history and its summary go; long-term memory stays. */
export const clearFeature = new Composer<BotContext>();

clearFeature.command("clear", async (ctx) => {
  await ctx.deps.memory.clear(ctx.from!.id); // also drops the rolling summary of that history
  await ctx.reply(
    "Fresh start! I cleared our recent conversation. My long-term memories of you are kept (personal mode uses them); /forget deletes everything.",
  );
});
