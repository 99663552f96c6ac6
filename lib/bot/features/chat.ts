import { Composer, type Context } from "grammy";
import { apologyFor, llmFailureKind } from "../../chat/llm-errors";
import { runTurn } from "../../chat/pipeline";
import { logger } from "../../log";
import { retryWhileUnavailable } from "../../memory/redis-errors";
import { isPrivate, type BotContext } from "../context";
import { currentLease } from "../lease";
import { sendChunk, sendLongText } from "../send";
import { createReplyStreamer } from "../stream";
import { withoutMention } from "./group";

const log = logger("bot");

/** How long a progress write waits out a Redis outage (the reply itself never waits on it). */
const PROGRESS_WAIT_MS = 15_000;
const record = (fn: () => Promise<void>): Promise<void> => retryWhileUnavailable(fn, { waitMs: PROGRESS_WAIT_MS });

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

  // Progress of this update's turn: a redo (crash, lost lock) resumes where the last attempt
  // stopped — never a second model call once an answer exists, never a second reply once sent.
  const chatId = ctx.chat.id;
  const updateId = ctx.update.update_id;
  const progress = deps.progress;
  // Waits out a short Redis outage like the turn's own reads: failing here would apologise and
  // let the update be acknowledged without its message ever being stored.
  const done = progress ? await retryWhileUnavailable(() => progress.read(chatId, updateId), { waitMs: PROGRESS_WAIT_MS }) : undefined;
  const markReplied = async () => {
    // After Telegram accepted the reply. Failing here is the documented duplicate window.
    await record(() => progress!.replied(chatId, updateId)).catch((e: unknown) => log.warn("could not record the reply as sent; a redo would send it again", { chatId, updateId, error: e }));
  };
  if (done?.replied) {
    log.warn("update already answered; not answering again (a redo after a crash or lost lock)", { chatId, updateId });
    return;
  }
  if (done?.answer !== undefined) {
    log.warn("resuming a turn whose answer exists: sending it without a new model call", { chatId, updateId });
    if (!done.stored) {
      await deps.memory.appendMessage({ userId: user.id, role: "assistant", content: done.answer, usage: done.usage, key: `tg:${chatId}:${updateId}:assistant` });
      await record(() => progress!.replyStored(chatId, updateId));
    }
    await sendLongText(ctx.api, chatId, done.answer, priv ? {} : { replyTo: msg.message_id });
    await markReplied();
    return;
  }

  await currentLease()?.confirm(); // a worker that lost the chat pays for no model call
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
      key: `tg:${chatId}:${updateId}`,
      storedUser: done?.user,
      onUserStored: progress ? (m) => record(() => progress.userStored(chatId, updateId, m)) : undefined,
      onAnswer: progress
        ? async (a, usage) => {
            await currentLease()?.confirm(); // lost the chat meanwhile: the new holder answers
            await record(() => progress.answered(chatId, updateId, a, usage));
          }
        : undefined,
    });
    if (progress) await record(() => progress.replyStored(chatId, updateId));
    stopTyping();
    if (streamer) await streamer.finish(turn.reply);
    else await sendLongText(ctx.api, ctx.chat.id, turn.reply, { replyTo: msg.message_id });
    if (progress) await markReplied();
  } catch (e) {
    const kind = llmFailureKind(e);
    if (!kind) throw e; // not a model problem: the error boundary answers and logs it
    log.error("model call failed", { userId: user.id, chatId: ctx.chat.id, updateId: ctx.update.update_id, kind, error: e });
    const apology = apologyFor(kind);
    if (streamer) await streamer.fail(apology);
    else await sendChunk(ctx.api, ctx.chat.id, apology, { replyTo: msg.message_id });
    if (progress) await markReplied();
  } finally {
    stopTyping();
  }
});
