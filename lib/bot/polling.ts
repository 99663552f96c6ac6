import type { Bot } from "grammy";
import { logger } from "../log";
import { ALLOWED_UPDATES, registerCommands } from "./commands";
import type { BotContext } from "./context";

const log = logger("bot");

/**
 * Long polling for local runs without a public URL. Removes the webhook first (Telegram
 * delivers to one or the other), registers the command menu, then handles updates one by one
 * in arrival order — the same bot and pipeline as the webhook route.
 */
export async function startPolling(bot: Bot<BotContext>, opts: { dropPending?: boolean; onStart?: () => void } = {}): Promise<void> {
  await bot.api.deleteWebhook({ drop_pending_updates: opts.dropPending ?? false });
  await registerCommands(bot.api);
  await bot.start({
    allowed_updates: [...ALLOWED_UPDATES],
    drop_pending_updates: opts.dropPending ?? false,
    onStart: (me) => {
      log.info(`polling as @${me.username}; press Ctrl+C to stop`);
      opts.onStart?.();
    },
  });
}
