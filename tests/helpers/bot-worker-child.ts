/**
 * A bot worker in its own process, so a test can SIGKILL it at an exact point (a real crash:
 * no finally blocks, no lock release, no last write). Drains one chat through the given Redis
 * URL (a fault proxy) with the parent's fake Telegram and fake OpenAI, then exits 0.
 *   node --import tsx tests/helpers/bot-worker-child.ts '<json WorkerSpec>'
 */
import { createApp } from "@/lib/app";
import { drainChat } from "@/lib/bot/drain";
import { tokenCounterFor } from "@/lib/chat/tokens";
import { loadConfig } from "@/lib/config";
import { createRedisClient } from "@/lib/redis/client";
import { BOT_USER } from "../fakes/telegram-api";
import { hashBagEmbedder, testMemory } from "./memory";
import type { TestServer } from "./servers";

export interface WorkerSpec {
  server: TestServer;
  redisUrl: string;
  prefix: string;
  tgToken: string;
  tgApiRoot: string;
  aiBaseURL: string;
  chat: string;
  lockMs: number;
}

async function main() {
  const o = JSON.parse(process.argv[2]!) as WorkerSpec;
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "error",
    REDIS_URL: o.redisUrl,
    REDIS_PREFIX: o.prefix,
    TELEGRAM_BOT_TOKEN: o.tgToken,
    TELEGRAM_WEBHOOK_SECRET: "child-worker-secret-0123456789",
    TELEGRAM_API_ROOT: o.tgApiRoot,
    OPENAI_API_KEY: "sk-test-fake",
    OPENAI_BASE_URL: o.aiBaseURL,
    LLM_TIMEOUT_MS: "3000",
    DEFAULT_MODEL: "gpt-4o-mini",
    RATE_LIMIT_PER_MINUTE: "0",
    RECALL_MIN_SCORE: "0.3",
  });
  const redis = createRedisClient({ url: o.redisUrl, name: "mindmate-child-worker" });
  const memory = await testMemory(o.server, redis, o.prefix, { embedder: hashBagEmbedder() });
  // The app's own wiring (lib/app), with this worker's connection, facade and a fixed bot.
  const app = createApp(config, { redis, memory, botInfo: BOT_USER, lockMs: o.lockMs });
  const bot = await app.bot();
  await tokenCounterFor("gpt-4o-mini"); // ~2 s of blocking CPU: not while holding the lock
  const handled = await drainChat(app.queue, o.chat, (u) => bot.handleUpdate(u));
  process.stdout.write(`handled ${handled}\n`);
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
