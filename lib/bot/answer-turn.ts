import type { Context } from "grammy";
import { apologyFor, llmFailureKind } from "../chat/llm-errors";
import { runTurn, type TurnInput, type TurnResult } from "../chat/pipeline";
import { maybeUpdateProfile } from "../chat/profile/update";
import { logger } from "../log";
import { isPrivate, type BotContext } from "./context";
import { sendChunk, sendLongText } from "./send";
import { createReplyStreamer } from "./stream";

const log = logger("bot");

/** Telegram shows "typing…" for 5 s; refresh it while the model works (groups, edit fallback). */
function keepTyping(ctx: Context): () => void {
  const send = () => ctx.replyWithChatAction("typing").catch(() => undefined);
  void send();
  const timer = setInterval(send, 4500);
  return () => clearInterval(timer);
}

export type AnswerInput = Pick<TurnInput, "text" | "media" | "images" | "quoted">;

/**
 * One conversation turn for a message the user sent (text, a voice transcript, a photo
 * description): run the pipeline, stream (private) or send (groups) the reply, then — off the
 * reply's critical path — let the profile learn from it. A model failure becomes a short
 * apology naming the problem; nothing of the reply is stored. Returns undefined then.
 */
export async function answerTurn(ctx: BotContext & { chat: NonNullable<Context["chat"]>; from: NonNullable<Context["from"]> }, input: AnswerInput, replyTo: number): Promise<TurnResult | undefined> {
  const { deps } = ctx;
  const user = ctx.from;
  const priv = isPrivate(ctx);
  const streamer = priv ? createReplyStreamer(ctx.api, ctx.chat.id, { throttleMs: deps.streamThrottleMs }) : undefined;
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
    });
    stopTyping();
    if (streamer) await streamer.finish(turn.reply);
    else await sendLongText(ctx.api, ctx.chat.id, turn.reply, { replyTo });
  } catch (e) {
    const kind = llmFailureKind(e);
    if (!kind) throw e; // not a model problem: the error boundary answers and logs it
    log.error("model call failed", { userId: user.id, chatId: ctx.chat.id, updateId: ctx.update.update_id, kind, error: e });
    const apology = apologyFor(kind);
    if (streamer) await streamer.fail(apology);
    else await sendChunk(ctx.api, ctx.chat.id, apology, { replyTo });
    return undefined;
  } finally {
    stopTyping();
  }
  // Private conversations only: a group message never teaches the profile.
  if (priv) await maybeUpdateProfile(deps, user.id, turn.model);
  return turn;
}
