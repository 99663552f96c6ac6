import { Composer, type Context } from "grammy";
import { apologyFor, llmFailureKind } from "../../chat/llm-errors";
import { runTurn } from "../../chat/pipeline";
import { logger } from "../../log";
import { isPrivate, type BotContext } from "../context";
import { sendChunk, sendLongText } from "../send";
import { createReplyStreamer } from "../stream";
import { withoutMention } from "./group";

const log = logger("bot");

/** Telegram shows "typing…" for 5 s; refresh it while the model works (groups, edit fallback). */
function keepTyping(ctx: Context): () => void {
  const send = () => ctx.replyWithChatAction("typing").catch(() => undefined);
  void send();
  const timer = setInterval(send, 4500);
  return () => clearInterval(timer);
}

/**
 * Text messages → one conversation turn. Private chats stream the answer with the full context
 * (history, summary, memories). Groups get one reply attached to the question, built from that
 * message (and the bot message it replies to) only, so nothing private leaks into the group.
 * A model failure becomes a short apology naming the problem; nothing of the reply is stored.
 */
export const chatFeature = new Composer<BotContext>();

chatFeature.on("message:text", async (ctx) => {
  const { deps } = ctx;
  const msg = ctx.message;
  const user = ctx.from;
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

  const streamer = priv ? createReplyStreamer(ctx.api, ctx.chat.id, { throttleMs: deps.streamThrottleMs }) : undefined;
  const stopTyping = keepTyping(ctx);
  try {
    const turn = await runTurn(deps, {
      userId: user.id,
      text,
      tgMessageId: msg.message_id,
      profile: { firstName: user.first_name, username: user.username, language: user.language_code },
      onDelta: streamer ? (t) => streamer.update(t) : undefined,
      privateContext: priv,
      quoted: msg.reply_to_message?.from?.id === ctx.me.id ? msg.reply_to_message.text : undefined,
    });
    stopTyping();
    if (streamer) await streamer.finish(turn.reply);
    else await sendLongText(ctx.api, ctx.chat.id, turn.reply, { replyTo: msg.message_id });
  } catch (e) {
    const kind = llmFailureKind(e);
    if (!kind) throw e; // not a model problem: the error boundary answers and logs it
    log.error("model call failed", { userId: user.id, chatId: ctx.chat.id, updateId: ctx.update.update_id, kind, error: e });
    const apology = apologyFor(kind);
    if (streamer) await streamer.fail(apology);
    else await sendChunk(ctx.api, ctx.chat.id, apology, { replyTo: msg.message_id });
  } finally {
    stopTyping();
  }
});
