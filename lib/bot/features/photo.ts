import { Composer } from "grammy";
import type { PhotoSize } from "grammy/types";
import { llmFailureKind, apologyFor } from "../../chat/llm-errors";
import { modelFor } from "../../chat/pipeline";
import { logger } from "../../log";
import { answerTurn } from "../answer-turn";
import { isPrivate, type BotContext } from "../context";
import { downloadTelegramFile, imageMime } from "../files";
import { withoutMention } from "./group";
import { downloadProblem, telegramFileAccess } from "./media-common";

const log = logger("bot");
/** Vision models bill by resolution; beyond this edge a photo says no more for a chat reply. */
const MAX_EDGE = 1280;

const DESCRIBE_PROMPT =
  "Describe this photo in one plain sentence of at most 25 words, naming the main subjects, place and activity, so it can be found again later. No preamble.";

/** The largest size whose longer edge is ≤ MAX_EDGE and fits the byte limit (else the smallest). */
export function pickPhotoSize(sizes: PhotoSize[], maxBytes: number): PhotoSize {
  const fitting = sizes.filter((s) => Math.max(s.width, s.height) <= MAX_EDGE && (s.file_size ?? 0) <= maxBytes);
  const area = (s: PhotoSize) => s.width * s.height;
  if (fitting.length) return fitting.reduce((a, b) => (area(b) > area(a) ? b : a));
  return sizes.reduce((a, b) => (area(b) < area(a) ? b : a));
}

/**
 * Photos: with a vision-capable model (VISION_MODELS) the photo is described in one line, the
 * description plus the caption become the stored message (so "the photo of my dog at the
 * beach" is recalled later), and the model answers seeing the photo. With another model only
 * the caption is kept, and the user is told why.
 */
export const photoFeature = new Composer<BotContext>();

photoFeature.on("message:photo", async (ctx) => {
  const { config, llm, memory } = ctx.deps;
  const m = ctx.message;
  const caption = (isPrivate(ctx) ? m.caption?.trim() : withoutMention(m.caption ?? "", ctx.me.username)) || undefined;
  const size = pickPhotoSize(m.photo, config.media.maxBytes);
  const media = { kind: "photo" as const, fileId: size.file_id, ...(caption ? { caption } : {}) };
  const reply = (text: string) =>
    ctx.reply(text, { reply_parameters: { message_id: m.message_id, allow_sending_without_reply: true } });
  const model = modelFor(await memory.getSettings(ctx.from.id), config);

  if (!config.media.visionModels.includes(model)) {
    const note = `(Your model, ${model}, can't see photos, so I only kept your caption.)`;
    if (!caption) {
      await reply(
        `I can't see photos with the model ${model}. Tell me in words what it shows, or pick a vision model with /model.`,
      );
      return;
    }
    await answerTurn(ctx, { text: `[Photo] ${caption}`, media }, m.message_id);
    await reply(note);
    return;
  }

  await ctx.replyWithChatAction("typing").catch(() => undefined);
  let dataUrl: string;
  try {
    const file = await downloadTelegramFile(ctx.api, {
      ...telegramFileAccess(ctx),
      fileId: size.file_id,
      maxBytes: config.media.maxBytes,
    });
    dataUrl = `data:${imageMime(file.path)};base64,${file.bytes.toString("base64")}`;
  } catch (e) {
    log.warn("photo download failed", { userId: ctx.from.id, error: e });
    await reply(downloadProblem(e, "photo"));
    return;
  }
  let description: string;
  try {
    const res = await llm.complete({
      model,
      maxTokens: 80,
      messages: [
        { role: "system", content: DESCRIBE_PROMPT },
        {
          role: "user",
          content: caption ? `The sender's caption: ${JSON.stringify(caption)}` : "(no caption)",
          images: [dataUrl],
        },
      ],
    });
    description = res.text.replace(/\s+/g, " ").trim().slice(0, 300);
  } catch (e) {
    const kind = llmFailureKind(e);
    if (!kind) throw e;
    log.error("photo description failed", { userId: ctx.from.id, kind, error: e });
    await reply(apologyFor(kind));
    return;
  }
  const text = `[Photo: ${description}]${caption ? ` ${caption}` : ""}`;
  await answerTurn(ctx, { text, media, images: [dataUrl] }, m.message_id);
});
