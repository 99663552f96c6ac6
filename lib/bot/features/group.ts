import { Composer, type Context } from "grammy";
import type { BotContext } from "../context";

/**
 * In groups the bot answers only when it is addressed: mentioned by @username (or a text
 * mention), replied to, or sent a command. Everything else in the group is none of its
 * business and is not stored.
 */
export function isAddressedToBot(ctx: Context): boolean {
  const msg = ctx.message ?? ctx.editedMessage;
  if (!msg || ctx.chat?.type === "private") return true;
  if (msg.reply_to_message?.from?.id === ctx.me.id) return true;
  const text = msg.text ?? msg.caption ?? "";
  const entities = msg.entities ?? msg.caption_entities ?? [];
  const me = `@${ctx.me.username}`.toLowerCase();
  return entities.some((e) => {
    const part = text.slice(e.offset, e.offset + e.length).toLowerCase();
    if (e.type === "mention") return part === me;
    if (e.type === "text_mention") return e.user.id === ctx.me.id;
    if (e.type === "bot_command" && e.offset === 0) return !part.includes("@") || part.endsWith(me);
    return false;
  });
}

/** The message text without the bot's @mention. */
export function withoutMention(text: string, username: string): string {
  return text
    .replace(new RegExp(`@${username}\\b`, "gi"), "")
    .replace(/\s{2,}/g, " ")
    .trim();
}

export const groupFeature = new Composer<BotContext>();

groupFeature.use((ctx, next) => (isAddressedToBot(ctx) ? next() : undefined));
