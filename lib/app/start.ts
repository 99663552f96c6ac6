import { passwordAnnouncement } from "../auth/password";
import { retryInBackground } from "../bot/best-effort";
import { startDevPoller } from "../bot/dev-poller";
import { tokenCounterFor } from "../chat/tokens";
import { ConfigError, getConfig } from "../config";
import { logger } from "../log";
import { getApp, startQueueSweeping } from "./index";

const log = logger("startup");

/**
 * Server start (instrumentation.ts), in this order. Nothing after step 1 is awaited by the
 * server: it must come up — and /api/health explain — even when Redis or Telegram are down.
 */
export async function startApp(): Promise<void> {
  // 1. Config, validated once: a bad value stops the server with a message naming the variable.
  let config;
  try {
    config = getConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`\n${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  // 2. What is missing, and what that switches off.
  for (const m of config.missing) log.warn(`${m.variable} is not set. ${m.effect} Fix: ${m.fix}`);
  // 3. The app: Redis connection, embedder, LLM client, queue; latency metrics bound to this Redis.
  const app = getApp();
  // 4. Redis probe (picks the vector engine) and the embedding model, in the background.
  if (config.redis.problem) log.error(`${config.redis.problem} The app runs; /api/health reports 503 until it is set.`);
  else
    app.runtime
      .probe()
      .catch((e: Error) => log.error(`${e.message}. The app runs; /api/health reports 503 until Redis answers.`));
  app.runtime.embedder.warmUp().catch((e: Error) => log.error(e.message));
  // 5. The generated dashboard password, printed once.
  const adminPassword = passwordAnnouncement();
  if (adminPassword) console.log(adminPassword);
  // 6. The bot: `npm run dev` with a token and no webhook polls in this process; in webhook mode
  //    the bot itself (bot info from the Redis cache or one getMe, retried in the background),
  //    then the tokenizer tables (1-2 s of CPU that blocks the event loop, so after the I/O).
  if (config.telegram.mode === "polling" && config.nodeEnv === "development") startDevPoller(app);
  const bot =
    config.telegram.mode === "webhook"
      ? retryInBackground("getMe (bot warm-up)", () => app.bot()).done
      : Promise.resolve();
  void bot.then(() =>
    setTimeout(() => {
      tokenCounterFor(config.llm.defaultModel).catch((e: unknown) =>
        log.warn("tokenizer warm-up failed", { error: e }),
      );
    }, 250),
  );
  // 7. Chat queues whose worker died: swept at start, then on a timer (webhook mode).
  startQueueSweeping(app);
}
