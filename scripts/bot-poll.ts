/**
 * npm run bot:poll [-- --drop-pending]
 * Runs the bot with long polling (no public URL needed). Reads .env like Next.js does.
 * Note: this removes a registered webhook; run `npm run webhook:set` to switch back.
 */
import { loadEnvConfig } from "@next/env";
import { getAppBot } from "../lib/bot";
import { startPolling } from "../lib/bot/polling";
import { ConfigError, getConfig } from "../lib/config";
import { getRuntime } from "../lib/runtime";

async function main(): Promise<void> {
  loadEnvConfig(process.cwd());
  const config = getConfig();
  if (config.telegram.mode === "disabled") {
    console.error("TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather and put the token in .env (see docs/bot.md).");
    process.exit(1);
  }
  if (config.telegram.mode === "webhook") console.warn("BOT_MODE=webhook in the config: polling removes the webhook. Run `npm run webhook:set` afterwards to restore it.");
  for (const m of config.missing) console.warn(`${m.variable} is not set. ${m.effect}`);

  const rt = getRuntime();
  rt.embedder.warmUp().catch((e: Error) => console.error(e.message));
  const bot = await getAppBot();
  const stop = async () => {
    await bot.stop();
    rt.redis.disconnect();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
  await startPolling(bot, { dropPending: process.argv.includes("--drop-pending") });
}

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
