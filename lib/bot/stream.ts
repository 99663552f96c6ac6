import { GrammyError, type Api } from "grammy";
import { logger } from "../log";
import { TELEGRAM_TEXT_LIMIT, splitMessage } from "./format/split";
import { LeaseLostError } from "./lease";
import { editChunk, isNotModified, sendChunk } from "./send";

const log = logger("bot");

/**
 * Shows a private-chat answer while the model writes it. Preferred: Bot API `sendMessageDraft`
 * (an animated preview that the final message replaces). Where the server does not know that
 * method (older Bot API, 404 / 400), it falls back to one message edited at most once per
 * `throttleMs`. Previews are plain text (a half-written answer is rarely valid markup); the
 * final text is sent formatted. A failed preview never fails the answer.
 */

// Learnt once per process: a Bot API server without drafts will not grow them mid-run.
let draftsUnsupported = false;
export function resetDraftSupportForTests(): void {
  draftsUnsupported = false;
}

export interface ReplyStreamer {
  update(textSoFar: string): void;
  /** Sends the final answer (replacing the preview) and returns once it is delivered. */
  finish(text: string): Promise<void>;
  /** Replaces the preview with an apology. */
  fail(text: string): Promise<void>;
  readonly mode: "draft" | "edit" | "off";
}

function isRateLimited(e: unknown): boolean {
  return e instanceof GrammyError && e.error_code === 429;
}

export function createReplyStreamer(api: Api, chatId: number, opts: { throttleMs: number }): ReplyStreamer {
  let mode: ReplyStreamer["mode"] = draftsUnsupported ? "edit" : "draft";
  const draftId = 1 + Math.floor(Math.random() * 2_000_000_000);
  let previewId: number | undefined;
  let lastShownAt = 0;
  let lastShown = "";
  let inFlight: Promise<void> | undefined;

  async function show(text: string): Promise<void> {
    const preview = text.slice(0, TELEGRAM_TEXT_LIMIT);
    if (mode === "draft") {
      try {
        await api.sendMessageDraft(chatId, draftId, preview);
        return;
      } catch (e) {
        if (isRateLimited(e) || e instanceof LeaseLostError) return; // not a verdict on drafts
        log.info("sendMessageDraft unavailable; streaming with message edits", { chatId, error: e });
        draftsUnsupported = true;
        mode = "edit";
      }
    }
    if (mode !== "edit") return;
    try {
      if (previewId === undefined) previewId = (await api.sendMessage(chatId, preview)).message_id;
      else await api.editMessageText(chatId, previewId, preview);
    } catch (e) {
      if (isNotModified(e) || isRateLimited(e)) return;
      log.warn("preview edit failed; waiting for the final answer", { chatId, error: e });
      mode = "off";
    }
  }

  async function settle(): Promise<void> {
    await inFlight?.catch(() => undefined);
  }

  async function deliver(text: string): Promise<void> {
    await settle();
    const chunks = splitMessage(text);
    let rest = chunks;
    if (previewId !== undefined && chunks.length > 0) {
      const wait = opts.throttleMs - (Date.now() - lastShownAt); // keep edits ≥ throttleMs apart
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        await editChunk(api, chatId, previewId, chunks[0]!);
        rest = chunks.slice(1);
      } catch (e) {
        log.warn("could not turn the preview into the answer; sending it as new messages", { chatId, error: e });
      }
    }
    for (const chunk of rest) await sendChunk(api, chatId, chunk);
  }

  return {
    get mode() {
      return mode;
    },
    update(textSoFar) {
      if (mode === "off" || inFlight || Date.now() - lastShownAt < opts.throttleMs || textSoFar === lastShown) return;
      lastShownAt = Date.now();
      lastShown = textSoFar;
      inFlight = show(textSoFar).finally(() => {
        // Count the pause from when Telegram has the edit, not from when it was sent: a slow
        // request must not let the next one arrive less than throttleMs after it.
        lastShownAt = Date.now();
        inFlight = undefined;
      });
    },
    finish: deliver,
    fail: deliver,
  };
}
