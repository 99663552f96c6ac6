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
 * Everything that is not text, voice or a photo: a short polite note, never a crash. Service messages
 * (someone joined, pinned…) are ignored. Edits are not re-answered: the original stays in the
 * conversation.
 */
export const nonTextFeature = new Composer<BotContext>();

nonTextFeature.on("edited_message", async (ctx) => {
  if (ctx.chat.type !== "private") return;
  await ctx.reply(
    "I noticed you edited a message. I keep the original in our conversation — send a new message if you'd like me to respond to the change.",
  );
});

nonTextFeature.on("message", async (ctx) => {
  const m = ctx.message;
  // Voice, audio and photos are answered by their own features before this one.
  const isContent = !!(
    m.video ||
    m.video_note ||
    m.sticker ||
    m.animation ||
    m.document ||
    m.location ||
    m.venue ||
    m.contact ||
    m.poll
  );
  if (!isContent) return;
  await ctx.reply(
    `I can read text, listen to voice messages and look at photos, but I can't open ${describeMessage(m)}. Could you write it out for me?`,
    {
      reply_parameters: { message_id: m.message_id, allow_sending_without_reply: true },
    },
  );
});
