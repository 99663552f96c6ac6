/**
 * npm run webhook:set [-- --drop-pending]   register <PUBLIC_URL>/api/telegram with the secret
 * npm run webhook:info                      what Telegram knows about the webhook
 * npm run webhook:delete [-- --drop-pending]
 * Prints Telegram's answers. Reads .env like Next.js does.
 */
import { loadEnvConfig } from "@next/env";
import { Api } from "grammy";
import { fatalTelegramError, serverAnswer } from "../lib/bot/best-effort";
import { ALLOWED_UPDATES, registerCommands } from "../lib/bot/commands";
import { ConfigError, getConfig } from "../lib/config";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function main(): Promise<void> {
  loadEnvConfig(process.cwd());
  const action = process.argv[2];
  const dropPending = process.argv.includes("--drop-pending");
  const tg = getConfig().telegram;
  if (tg.mode === "disabled") fail("TELEGRAM_BOT_TOKEN is not set (see docs/bot.md).");
  const api = new Api(tg.token, tg.apiRoot ? { apiRoot: tg.apiRoot } : undefined);
  const show = (label: string, value: unknown) => console.log(`${label}: ${JSON.stringify(value, null, 2)}`);

  if (action === "set") {
    if (tg.mode !== "webhook") fail("BOT_MODE=polling: set BOT_MODE=webhook and TELEGRAM_WEBHOOK_SECRET first.");
    if (!tg.publicUrl)
      fail("PUBLIC_URL is not set: the https:// address of this app, e.g. https://mindmate.onrender.com");
    const url = new URL("/api/telegram", tg.publicUrl).toString();
    show(
      "setWebhook",
      await api.setWebhook(url, {
        secret_token: tg.secretToken,
        allowed_updates: [...ALLOWED_UPDATES],
        drop_pending_updates: dropPending,
      }),
    );
    // Cosmetic from here on: the webhook is set, so a refusal is a warning, not a failure.
    await registerCommands(api).then(
      () => console.log("setMyCommands: true"),
      (e: unknown) =>
        console.warn(
          `setMyCommands failed (${serverAnswer(e)}): the webhook works; the command menu is registered by the next webhook:set or bot:poll.`,
        ),
    );
    await api.getWebhookInfo().then(
      (info) => show("getWebhookInfo", info),
      (e: unknown) => console.warn(`getWebhookInfo failed (${serverAnswer(e)}); the webhook was set.`),
    );
  } else if (action === "info") {
    show("getWebhookInfo", await api.getWebhookInfo());
  } else if (action === "delete") {
    show("deleteWebhook", await api.deleteWebhook({ drop_pending_updates: dropPending }));
  } else {
    fail("usage: tsx scripts/webhook.ts set|info|delete [--drop-pending]");
  }
}

main().catch((e: unknown) =>
  fail(
    e instanceof ConfigError
      ? e.message
      : (fatalTelegramError(e, "setWebhook")?.message ?? `Telegram said: ${serverAnswer(e)}`),
  ),
);
