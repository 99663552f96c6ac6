import { Bot, webhookCallback } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { AppError } from "../errors";
import { logger } from "../log";
import { recordLatency } from "../metrics";
import type { ChatQueue } from "./chat-queue";
import { drainChat, resumeOrphans } from "./drain";
import { readWebhookRequest } from "./webhook-request";

const log = logger("bot");

export interface WebhookHandlerOptions {
  secretToken: string;
  token: string;
  botInfo: () => Promise<UserFromGetMe>;
  queue: () => Promise<ChatQueue>;
  /** Handles one update (the real bot's handleUpdate). */
  handle: (update: Update) => Promise<void>;
  /** Runs work after the response is sent: Next.js `after()` in the route, a plain promise in tests. */
  runAfter: (task: () => Promise<void>) => void;
}

/**
 * POST /api/telegram. grammY's webhookCallback ("std/http", secretToken) checks the secret
 * (constant time, 401 when missing or wrong) and parses the update; its only middleware queues
 * the update durably per chat, with the Telegram dedup, and returns — so the answer is a fast
 * 200 however slow the model is. The queued work runs after the response (`runAfter`).
 */
export function createWebhookHandler(opts: WebhookHandlerOptions): (req: Request) => Promise<Response> {
  let intake: Promise<(req: Request) => Promise<Response>> | undefined;

  async function buildIntake() {
    const [botInfo, queue] = await Promise.all([opts.botInfo(), opts.queue()]);
    const bot = new Bot(opts.token, { botInfo });
    const work = (chat: string) => async () => {
      try {
        await drainChat(queue, chat, opts.handle);
        await resumeOrphans(queue, opts.handle);
      } catch (e) {
        // Redis went away mid-drain: the updates stay queued and the lock expires, so the next
        // webhook call (or its orphan sweep) continues the chat.
        log.error("draining the chat queue failed; it is resumed later", { chat, error: e });
      }
    };
    bot.use(async (ctx) => {
      const chat = String(ctx.chatId ?? ctx.from?.id ?? "global");
      const fresh = await queue.enqueue(chat, ctx.update.update_id, JSON.stringify(ctx.update));
      if (!fresh) log.info("duplicate update acknowledged, not queued again", { updateId: ctx.update.update_id });
      // A duplicate still drains: the first delivery may have been queued with its reply lost
      // (webhook answered 503), so nobody else is going to. A no-op when empty or locked.
      opts.runAfter(work(chat));
    });
    return webhookCallback(bot, "std/http", {
      secretToken: opts.secretToken,
      onTimeout: "throw",
      timeoutMilliseconds: 9000,
    });
  }

  return async (req) => {
    const started = performance.now();
    try {
      // Secret first, then the byte-capped body, then JSON (grammY checks the secret again below).
      const read = await readWebhookRequest(req, opts.secretToken);
      if (!read.ok) return read.response;
      const raw = read.raw;
      intake ??= buildIntake().catch((e: unknown) => {
        intake = undefined;
        throw e;
      });
      const callback = await intake;
      return await callback(new Request(req.url, { method: "POST", headers: req.headers, body: raw }));
    } catch (e) {
      log.error("webhook could not queue the update; Telegram will retry", { error: e });
      return new AppError("unavailable:bot", "Could not accept the update right now.", { cause: e }).toResponse();
    } finally {
      recordLatency("webhook", performance.now() - started);
    }
  };
}
