import { Composer } from "grammy";
import type { BotContext } from "../context";

/** /personal: toggles long-term memory in replies; nothing is deleted either way. */
export const personalFeature = new Composer<BotContext>();

personalFeature.command("personal", async (ctx) => {
  const { memory } = ctx.deps;
  const userId = ctx.from!.id;
  const personal = !(await memory.getSettings(userId)).personal;
  await memory.updateSettings(userId, { personal });
  await ctx.reply(
    personal
      ? "Personal mode is now ON: I'll use what I remember about you from earlier conversations."
      : "Personal mode is now OFF: I'll only use our current conversation. Nothing was deleted; /personal turns it back on.",
  );
});
