import { Composer } from "grammy";
import { answerTurn } from "../answer-turn";
import { isPrivate, type BotContext } from "../context";
import { withoutMention } from "./group";

/**
 * Text messages → one conversation turn. Private chats stream the answer with the full context
 * (history, summary, memories). Groups get one reply attached to the question, built from that
 * message (and the bot message it replies to) only, so nothing private leaks into the group.
 * The turn itself (streaming, apologies, profile learning) is answer-turn.ts, shared with voice
 * messages and photos.
 */
export const chatFeature = new Composer<BotContext>();

chatFeature.on("message:text", async (ctx) => {
  const msg = ctx.message;
  const priv = isPrivate(ctx);
  if (msg.text.startsWith("/")) {
    // Known commands were handled before; in groups stay quiet unless the command names this bot.
    if (priv || msg.text.split(/\s/)[0]!.toLowerCase().endsWith(`@${ctx.me.username.toLowerCase()}`)) {
      await ctx.reply("I don't know that command. /help lists what I can do.");
    }
    return;
  }
  const text = priv ? msg.text.trim() : withoutMention(msg.text, ctx.me.username);
  if (!text) return;

  await answerTurn(
    ctx,
    { text, quoted: msg.reply_to_message?.from?.id === ctx.me.id ? msg.reply_to_message.text : undefined },
    msg.message_id,
  );
});
