import { z } from "zod";
import { Api } from "grammy";
import { downloadTelegramFile, imageMime } from "../bot/files";
import { AppError } from "../errors";
import { PROFILE_CATEGORIES, type UserProfile } from "../memory/types";
import { adminDeps } from "./deps";

/** Schemas of the profile and media routes (the OpenAPI document is generated from them). */
const factId = z
  .string()
  .regex(/^[0-9a-z]+-[0-9a-z]+$/, { error: "factId is a profile fact id like lx2k9-0a1b" })
  .meta({ example: "lx2k9-0a1b" });
export const profileEditBody = z.object({
  factId,
  text: z.string().trim().min(1, { error: "text must not be empty" }).max(200).meta({ example: "Lives in Porto" }),
});
export const profileDeleteQuery = z.object({
  factId: z.union([z.literal("all"), factId]).meta({ example: "all", description: "A fact id, or all" }),
});
export const profileFactBody = z.object({
  id: z.string(),
  category: z.enum(PROFILE_CATEGORIES),
  text: z.string(),
  sources: z.array(z.string()),
  learntAt: z.string(),
  by: z.enum(["model", "admin", "import"]),
  supersededAt: z.string().optional(),
  supersededBy: z.string().optional(),
  deleted: z.boolean().optional(),
});
export const profileBody = z.object({
  facts: z.array(profileFactBody),
  upTo: z.string().optional(),
  turnsSince: z.number(),
});
export const deletedBody = z.object({ deleted: z.number().int() });
export const mediaParams = z.object({
  fileId: z.string().regex(/^[\w-]{1,300}$/, { error: "fileId is a Telegram file id" }),
});

export async function getUserProfile(userId: number): Promise<UserProfile> {
  const { memory } = await adminDeps();
  return memory.getProfile(userId);
}

export async function editUserProfileFact(userId: number, id: string, text: string) {
  const { memory } = await adminDeps();
  return memory.editProfileFact(userId, id, text);
}

export async function deleteUserProfileFacts(userId: number, id: string): Promise<{ deleted: number }> {
  const { memory } = await adminDeps();
  return { deleted: await memory.deleteProfileFacts(userId, id) };
}

/** Images are shown inline; anything else (voice) is a download. */
const INLINE = /^image\//;

/**
 * A Telegram file for the dashboard (photo thumbnails, voice playback): fetched by the server
 * through the Bot API, so the bot token never appears in a URL the browser sees.
 */
export async function mediaResponse(fileId: string): Promise<Response> {
  const { rt } = await adminDeps();
  const tg = rt.config.telegram;
  if (tg.mode === "disabled")
    throw new AppError(
      "unavailable:bot",
      "Telegram is not configured (TELEGRAM_BOT_TOKEN), so stored photos and voice messages cannot be fetched.",
    );
  const api = new Api(tg.token, tg.apiRoot ? { apiRoot: tg.apiRoot } : undefined);
  let file;
  try {
    file = await downloadTelegramFile(api, {
      token: tg.token,
      apiRoot: tg.apiRoot,
      fileId,
      maxBytes: rt.config.media.maxBytes,
    });
  } catch (e) {
    if (e instanceof AppError) throw e;
    // getFile refused: an unknown or expired file id is the caller's problem, not a server fault.
    throw new AppError("not_found:admin", `Telegram has no file ${fileId} for this bot (it may have been deleted).`, {
      cause: e,
    });
  }
  const type = /\.(jpe?g|png|webp|gif)$/i.test(file.path)
    ? imageMime(file.path)
    : /\.(oga|ogg|opus)$/i.test(file.path)
      ? "audio/ogg"
      : "application/octet-stream";
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      "Content-Type": type,
      "Content-Length": String(file.bytes.length),
      "Cache-Control": "private, max-age=3600",
      "X-Content-Type-Options": "nosniff",
      ...(INLINE.test(type) ? {} : { "Content-Disposition": `attachment; filename="${fileId}"` }),
    },
  });
}
