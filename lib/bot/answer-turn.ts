import type { Context } from "grammy";
import { apologyFor, llmFailureKind } from "../chat/llm-errors";
import { runTurn, type TurnInput, type TurnResult } from "../chat/pipeline";
import { maybeUpdateProfile } from "../chat/profile/update";
import { logger } from "../log";
import { retryWhileUnavailable } from "../memory/redis-errors";
import { isPrivate, type BotContext } from "./context";
import { currentLease } from "./lease";
import { sendChunk, sendLongText } from "./send";
import { createReplyStreamer } from "./stream";

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

export type AnswerInput = Pick<TurnInput, "text" | "media" | "images" | "quoted">;
type TurnContext = BotContext & { chat: NonNullable<Context["chat"]>; from: NonNullable<Context["from"]> };

/**
 * One conversation turn for a message the user sent (text, a voice transcript, a photo
 * description): run the pipeline, stream (private) or send (groups) the reply, then — off the
 * reply's critical path — let the profile learn from it. A model failure becomes a short
 * apology naming the problem; nothing of the reply is stored (undefined is returned).
 *
 * Progress of the update's turn is recorded (deps.progress): a redo after a crash or a lost
 * lock resumes where the last attempt stopped — never a second model call once an answer
 * exists, never a second reply once sent.
 */
export async function answerTurn(
  ctx: TurnContext,
  input: AnswerInput,
  replyTo: number,
): Promise<TurnResult | undefined> {
  const { deps } = ctx;
  const user = ctx.from;
  const priv = isPrivate(ctx);
  const chatId = ctx.chat.id;
  const updateId = ctx.update.update_id;
  const progress = deps.progress;
  // Waits out a short Redis outage like the turn's own reads: failing here would apologise and
  // let the update be acknowledged without its message ever being stored.
  const done = progress
    ? await retryWhileUnavailable(() => progress.read(chatId, updateId), { waitMs: PROGRESS_WAIT_MS })
    : undefined;
  const markReplied = async () => {
    // After Telegram accepted the reply. Failing here is the documented duplicate window.
    await record(() => progress!.replied(chatId, updateId)).catch((e: unknown) =>
      log.warn("could not record the reply as sent; a redo would send it again", { chatId, updateId, error: e }),
    );
  };
  if (done?.replied) {
    log.warn("update already answered; not answering again (a redo after a crash or lost lock)", { chatId, updateId });
    return undefined;
  }
  if (done?.answer !== undefined) {
    log.warn("resuming a turn whose answer exists: sending it without a new model call", { chatId, updateId });
    if (!done.stored) {
      await deps.memory.appendMessage({
        userId: user.id,
        role: "assistant",
        content: done.answer,
        usage: done.usage,
        key: `tg:${chatId}:${updateId}:assistant`,
      });
      await record(() => progress!.replyStored(chatId, updateId));
    }
    await sendLongText(ctx.api, chatId, done.answer, priv ? {} : { replyTo });
    await markReplied();
    return undefined;
  }

  await currentLease()?.confirm(); // a worker that lost the chat pays for no model call
  const streamer = priv ? createReplyStreamer(ctx.api, chatId, { throttleMs: deps.streamThrottleMs }) : undefined;
  const stopTyping = keepTyping(ctx);
  let turn: TurnResult;
  try {
    turn = await runTurn(deps, {
      userId: user.id,
      ...input,
      tgMessageId: replyTo,
      profile: { firstName: user.first_name, username: user.username, language: user.language_code },
      onDelta: streamer ? (t) => streamer.update(t) : undefined,
      privateContext: priv,
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
    else await sendLongText(ctx.api, chatId, turn.reply, { replyTo });
    if (progress) await markReplied();
  } catch (e) {
    const kind = llmFailureKind(e);
    if (!kind) throw e; // not a model problem: the error boundary answers and logs it
    log.error("model call failed", { userId: user.id, chatId, updateId, kind, error: e });
    const apology = apologyFor(kind);
    if (streamer) await streamer.fail(apology);
    else await sendChunk(ctx.api, chatId, apology, { replyTo });
    if (progress) await markReplied();
    return undefined;
  } finally {
    stopTyping();
  }
  // Private conversations only: a group message never teaches the profile.
  if (priv) await maybeUpdateProfile(deps, user.id, turn.model);
  return turn;
}
