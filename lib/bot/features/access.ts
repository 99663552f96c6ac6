import { Composer } from "grammy";
import { logger } from "../../log";
import { isPrivate, type BotContext } from "../context";

const log = logger("bot");

/**
 * Who may use the bot. Updates without a human sender (channel posts, other bots) stop here.
 * With ALLOWED_USER_IDS set, only those users and the admins (ADMIN_USER_IDS) go on; a
 * stranger gets one short answer in a private chat and silence elsewhere.
 */
export const accessFeature = new Composer<BotContext>();

accessFeature.use(async (ctx, next) => {
  const user = ctx.from;
  if (!user || user.is_bot) return;
  const { allowedUserIds, adminUserIds } = ctx.deps.config.access;
  if (allowedUserIds.length === 0 || allowedUserIds.includes(user.id) || adminUserIds.includes(user.id)) return next();

  log.info("update from a user outside ALLOWED_USER_IDS ignored", { userId: user.id, updateId: ctx.update.update_id });
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: "Sorry, this bot is private." });
  else if (ctx.message && isPrivate(ctx)) {
    await ctx.reply(
      `Sorry, this is a private bot and you are not on its list of users. If you know its owner, send them your Telegram id: ${user.id}`,
    );
  }
});
