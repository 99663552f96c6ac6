import type { Api } from "grammy";
import { AppError } from "../errors";

const DEFAULT_API_ROOT = "https://api.telegram.org";
const DOWNLOAD_TIMEOUT_MS = 30_000;

export interface DownloadedFile {
  bytes: Buffer;
  /** Telegram's path, e.g. "voice/file_3.oga" (its extension names the format). */
  path: string;
}

/**
 * getFile + download from the configured Bot API root (`<root>/file/bot<token>/<path>`), capped
 * at `maxBytes` while reading (a file that grows past the cap is cut off and refused). The URL
 * holds the bot token, so it never leaves the server: the dashboard goes through
 * /api/admin/media/<fileId>, which calls this.
 */
export async function downloadTelegramFile(
  api: Api,
  o: { token: string; apiRoot?: string; fileId: string; maxBytes: number },
): Promise<DownloadedFile> {
  const file = await api.getFile(o.fileId);
  if (file.file_size !== undefined && file.file_size > o.maxBytes) throw tooLarge(file.file_size, o.maxBytes);
  if (!file.file_path)
    throw new AppError(
      "unavailable:bot",
      "Telegram did not give a download path for this file (it may be over the Bot API's 20 MB limit).",
    );
  const url = `${(o.apiRoot ?? DEFAULT_API_ROOT).replace(/\/$/, "")}/file/bot${o.token}/${file.file_path}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch (e) {
    throw new AppError("unavailable:bot", "Could not download the file from Telegram.", { cause: e });
  }
  if (!res.ok || !res.body)
    throw new AppError("unavailable:bot", `Telegram answered ${res.status} to the file download.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > o.maxBytes) throw tooLarge(size, o.maxBytes);
    chunks.push(Buffer.from(chunk));
  }
  return { bytes: Buffer.concat(chunks), path: file.file_path };
}

function tooLarge(size: number, max: number): AppError {
  return new AppError(
    "bad_request:bot",
    `The file is ${(size / 1e6).toFixed(1)} MB; the limit is ${(max / 1e6).toFixed(1)} MB.`,
    { details: { reason: "too_large" } },
  );
}

/** MIME type from Telegram's file path, for the data: URL a vision model reads. */
export function imageMime(path: string): string {
  const ext = path.split(".").pop()?.toLowerCase();
  return ext === "png" ? "image/png" : ext === "webp" ? "image/webp" : ext === "gif" ? "image/gif" : "image/jpeg";
}
