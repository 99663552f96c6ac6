import { Composer } from "grammy";
import { llmFailureKind } from "../../chat/llm-errors";
import { logger } from "../../log";
import { answerTurn } from "../answer-turn";
import type { BotContext } from "../context";
import { downloadTelegramFile } from "../files";
import { downloadProblem, telegramFileAccess } from "./media-common";

const log = logger("bot");

/**
 * Voice messages (and audio files): download through the Bot API, transcribe with the
 * OpenAI-compatible /audio/transcriptions endpoint (TRANSCRIPTION_MODEL), then answer the
 * transcript like a text message; it is stored as the user's message with meta kind=voice, so
 * recall finds it later and the dashboard shows "🎤". Too long / too large / transcription
 * failed → a clear reply and nothing stored.
 */
export const voiceFeature = new Composer<BotContext>();

voiceFeature.on(["message:voice", "message:audio"], async (ctx) => {
  const { config, llm } = ctx.deps;
  const m = ctx.message;
  const file = m.voice ?? m.audio!;
  const reply = (text: string) =>
    ctx.reply(text, { reply_parameters: { message_id: m.message_id, allow_sending_without_reply: true } });
  if (file.duration > config.media.voiceMaxSeconds) {
    await reply(
      `That voice message is ${Math.round(file.duration)} s long; I can listen to up to ${config.media.voiceMaxSeconds} s. Could you split it or send a shorter one?`,
    );
    return;
  }
  if (file.file_size !== undefined && file.file_size > config.media.maxBytes) {
    await reply(
      `That recording is ${(file.file_size / 1e6).toFixed(1)} MB; I can take up to ${(config.media.maxBytes / 1e6).toFixed(1)} MB.`,
    );
    return;
  }
  await ctx.replyWithChatAction("typing").catch(() => undefined);
  let audio: Buffer;
  let path: string;
  try {
    ({ bytes: audio, path } = await downloadTelegramFile(ctx.api, {
      ...telegramFileAccess(ctx),
      fileId: file.file_id,
      maxBytes: config.media.maxBytes,
    }));
  } catch (e) {
    log.warn("voice download failed", { userId: ctx.from.id, error: e });
    await reply(downloadProblem(e, "voice message"));
    return;
  }
  let transcript: string;
  try {
    const name = path.split("/").pop() || "voice.ogg";
    // Telegram voice notes are Ogg/Opus with an .oga extension, which the API accepts as .ogg.
    transcript = (
      await llm.transcribe({ model: config.media.transcriptionModel, audio, filename: name.replace(/\.oga$/i, ".ogg") })
    ).trim();
  } catch (e) {
    const kind = llmFailureKind(e);
    log.error("transcription failed", { userId: ctx.from.id, kind, error: e });
    await reply(
      kind === "missing_key"
        ? "I can't listen to voice messages here: no model API key is configured (OPENAI_API_KEY)."
        : "I couldn't transcribe that voice message just now. Please try again, or write it out for me.",
    );
    return;
  }
  if (!transcript) {
    await reply("I couldn't make out any words in that voice message. Could you try again?");
    return;
  }
  await answerTurn(
    ctx,
    { text: transcript, media: { kind: "voice", fileId: file.file_id, duration: file.duration } },
    m.message_id,
  );
});
