/**
 * npm run bot:poll [-- --drop-pending]
 * Runs the bot with long polling (no public URL needed). Reads .env like Next.js does.
 * Note: this removes a registered webhook; run `npm run webhook:set` to switch back.
 * Exits non-zero only when polling cannot work: no/invalid token (401), another poller (409
 * or the Redis poll lock). Cosmetic start-up calls and Bot API outages never stop it.
 */
import { loadEnvConfig } from "@next/env";
import { runPoller } from "../lib/bot/run-poller";
import { ConfigError, getConfig } from "../lib/config";
import { getApp } from "../lib/app";

async function main(): Promise<void> {
  loadEnvConfig(process.cwd());
  const config = getConfig();
  if (config.telegram.mode === "disabled") {
    console.error(
      "TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather and put the token in .env (see docs/bot.md).",
    );
    process.exit(1);
  }
  if (config.telegram.mode === "webhook")
    console.warn(
      "BOT_MODE=webhook in the config: polling removes the webhook. Run `npm run webhook:set` afterwards to restore it.",
    );
  for (const m of config.missing) console.warn(`${m.variable} is not set. ${m.effect}`);

  const app = getApp();
  app.runtime.embedder.warmUp().catch((e: Error) => console.error(e.message));
  const poller = await runPoller(app, {
    label: "npm run bot:poll",
    dropPending: process.argv.includes("--drop-pending"),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return; // a second Ctrl+C while stopping must not kill it halfway
    stopping = true;
    await poller.stop();
    app.redis.disconnect();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  await poller.done;
}

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : e instanceof Error ? e.message : e);
  process.exit(1);
});
