import { Composer } from "grammy";
import { logger } from "../../log";
import type { BotContext } from "../context";

const log = logger("bot");

/**
 * RATE_LIMIT_PER_MINUTE messages per user (admins exempt), counted in Redis so every instance
 * shares it. Over the limit the user is told once per window and further messages are
 * dropped quietly. Button presses do not count. If Redis cannot count, the message goes
 * through: the limit protects the model bill, not the bot's availability.
 */
export const rateLimitFeature = new Composer<BotContext>();

rateLimitFeature.use(async (ctx, next) => {
  const { config, limiter } = ctx.deps;
  const limit = config.access.rateLimitPerMinute;
  if (!ctx.message || !ctx.from || limit <= 0 || config.access.adminUserIds.includes(ctx.from.id)) return next();
  let verdict;
  try {
    verdict = await limiter.hit(ctx.from.id, limit);
  } catch (e) {
    log.warn("rate limit check failed; letting the message through", { userId: ctx.from.id, error: e });
    return next();
  }
  if (verdict.allowed) return next();
  log.info("rate limited", { userId: ctx.from.id, count: verdict.count });
  if (verdict.count === limit + 1) {
    await ctx.reply(
      `Easy there! I can take up to ${limit} messages a minute. Please try again in ${verdict.retryAfterSeconds} s.`,
    );
  }
});
