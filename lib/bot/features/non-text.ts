import { Composer } from "grammy";
import type { Message } from "grammy/types";
import type { BotContext } from "../context";

/** What kind of non-text message this is, in words for the reply. */
export function describeMessage(m: Message): string {
  if (m.photo) return "photos";
  if (m.voice) return "voice messages";
  if (m.video_note) return "video notes";
  if (m.video) return "videos";
  if (m.audio) return "audio files";
  if (m.sticker) return "stickers";
  if (m.animation) return "GIFs";
  if (m.document) return "files";
  if (m.location || m.venue) return "locations";
  if (m.contact) return "contacts";
  if (m.poll) return "polls";
  return "messages like this";
}

/**
 * Everything that is not a text message: a short polite note, never a crash. Service messages
 * (someone joined, pinned…) are ignored. Edits are not re-answered: the original stays in the
 * conversation.
 */
export const nonTextFeature = new Composer<BotContext>();

nonTextFeature.on("edited_message", async (ctx) => {
  if (ctx.chat.type !== "private") return;
  await ctx.reply("I noticed you edited a message. I keep the original in our conversation — send a new message if you'd like me to respond to the change.");
});

nonTextFeature.on("message", async (ctx) => {
  const m = ctx.message;
  const isContent = !!(m.photo || m.voice || m.video || m.video_note || m.audio || m.sticker || m.animation || m.document || m.location || m.venue || m.contact || m.poll);
  if (!isContent) return;
  await ctx.reply(`I can only read text for now, so I can't look at ${describeMessage(m)}. Could you write it out for me?`, {
    reply_parameters: { message_id: m.message_id, allow_sending_without_reply: true },
  });
});
