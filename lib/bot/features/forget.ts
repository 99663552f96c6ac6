import { Composer, InlineKeyboard } from "grammy";
import { logger } from "../../log";
import { requirePrivate, type BotContext } from "../context";
import { eraseUser } from "../erase-user";

const log = logger("bot");

/**
 * /forget: asks first (inline buttons), then deletes every key of the user: history, settings,
 * long-term memories and the rate-limit counter. The buttons carry the user id, so in a group
 * nobody can press someone else's confirmation.
 */
export const forgetFeature = new Composer<BotContext>();

forgetFeature.command("forget", async (ctx) => {
  if (!(await requirePrivate(ctx))) return;
  const userId = ctx.from!.id;
  await ctx.reply(
    "This deletes everything I know about you: our conversation, my long-term memories of you, your settings and counters. It cannot be undone.",
    {
      reply_markup: new InlineKeyboard()
        .text("🗑 Yes, delete everything", `forget:yes:${userId}`)
        .text("Cancel", `forget:no:${userId}`),
    },
  );
});

forgetFeature.callbackQuery(/^forget:(yes|no):(\d+)$/, async (ctx) => {
  const [, answer, owner] = ctx.match as RegExpMatchArray;
  const userId = ctx.from.id;
  if (Number(owner) !== userId) {
    await ctx.answerCallbackQuery({ text: "This button belongs to someone else." });
    return;
  }
  if (answer === "no") {
    await ctx.answerCallbackQuery({ text: "Cancelled" });
    await ctx.editMessageText("Cancelled — nothing was deleted.");
    return;
  }
  await eraseUser(ctx.deps, userId);
  log.info("user data deleted on request", { userId });
  await ctx.answerCallbackQuery({ text: "Deleted" });
  await ctx.editMessageText("Done — I deleted everything I had about you. If you write again, I start from scratch.");
});
