import { tokenCounterFor } from "../chat/tokens";
import { logger } from "../log";
import type { Runtime } from "../runtime";
import { retryInBackground } from "./best-effort";
import { startDevPoller } from "./dev-poller";
import { getAppBot } from "./index";

const log = logger("bot");

/**
 * Start-up work so the first Telegram message does not pay for it: in webhook mode the bot
 * itself (bot info from the Redis cache or one getMe, then cached for the next cold start),
 * then the tokenizer tables (about 1-2 s of CPU for o200k_base, which blocks the event loop, so
 * it runs after the I/O-bound start-up rather than in the middle of the Redis probe). Nothing
 * here is awaited by the server; failures are logged and retried on first use.
 */
export function warmUpBot(rt: Runtime): void {
  // npm run dev with a token and no webhook: poll in this process (lib/bot/dev-poller.ts).
  if (rt.config.telegram.mode === "polling" && rt.config.nodeEnv === "development") startDevPoller(rt);
  // Best-effort (lib/bot/best-effort.ts): a failing getMe is logged once with Telegram's answer
  // and retried in the background; the webhook route also retries it on the first update.
  const bot = rt.config.telegram.mode === "webhook" ? retryInBackground("getMe (bot warm-up)", () => getAppBot()).done : Promise.resolve();
  void bot.then(() =>
    setTimeout(() => {
      tokenCounterFor(rt.config.llm.defaultModel).catch((e: unknown) => log.warn("tokenizer warm-up failed", { error: e }));
    }, 250),
  );
}
