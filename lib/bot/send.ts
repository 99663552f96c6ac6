import { GrammyError, type Api } from "grammy";
import type { Message } from "grammy/types";
import { logger } from "../log";
import { markdownToHtml } from "./format/html";
import { splitMessage } from "./format/split";

const log = logger("bot");

/** Telegram's answer when our HTML is not valid for it ("Bad Request: can't parse entities: …"). */
export function isEntityError(e: unknown): boolean {
  return (
    e instanceof GrammyError &&
    e.error_code === 400 &&
    /can't parse entities|unsupported start tag|can't find end tag/i.test(e.description)
  );
}

export function isNotModified(e: unknown): boolean {
  return e instanceof GrammyError && /message is not modified/i.test(e.description);
}

export interface SendOptions {
  /** Reply to this message (groups: so the answer is attached to the question). */
  replyTo?: number;
}

/** One chunk as HTML; if Telegram rejects the entities, the same text again as plain text. */
export async function sendChunk(
  api: Api,
  chatId: number,
  chunk: string,
  opts: SendOptions = {},
): Promise<Message.TextMessage> {
  const common = {
    link_preview_options: { is_disabled: true },
    ...(opts.replyTo ? { reply_parameters: { message_id: opts.replyTo, allow_sending_without_reply: true } } : {}),
  };
  try {
    return await api.sendMessage(chatId, markdownToHtml(chunk), { ...common, parse_mode: "HTML" });
  } catch (e) {
    if (!isEntityError(e)) throw e;
    log.warn("Telegram rejected the HTML; resending as plain text", { chatId, error: e });
    return api.sendMessage(chatId, chunk, common);
  }
}

/** Replaces a streamed preview with the final chunk, HTML first, plain text on entity errors. */
export async function editChunk(api: Api, chatId: number, messageId: number, chunk: string): Promise<void> {
  const common = { link_preview_options: { is_disabled: true } };
  try {
    await api.editMessageText(chatId, messageId, markdownToHtml(chunk), { ...common, parse_mode: "HTML" });
  } catch (e) {
    if (isNotModified(e)) return;
    if (!isEntityError(e)) throw e;
    log.warn("Telegram rejected the HTML edit; editing as plain text", { chatId, error: e });
    try {
      await api.editMessageText(chatId, messageId, chunk, common);
    } catch (e2) {
      if (!isNotModified(e2)) throw e2;
    }
  }
}

/** A whole answer: split at 4096 characters on paragraph boundaries, each part sent in order. */
export async function sendLongText(
  api: Api,
  chatId: number,
  text: string,
  opts: SendOptions = {},
): Promise<Message.TextMessage[]> {
  const sent: Message.TextMessage[] = [];
  for (const [i, chunk] of splitMessage(text).entries())
    sent.push(await sendChunk(api, chatId, chunk, i === 0 ? opts : {}));
  return sent;
}
