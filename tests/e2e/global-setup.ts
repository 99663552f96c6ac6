import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { FakeOpenAI } from "../fakes/openai-api";
import { FakeTelegram } from "../fakes/telegram-api";
import { EVE_PHOTO_FILE, EVE_PHOTO_PNG } from "./support/seed-media";
import { dropSeed, seed } from "./support/seed";

const ROOT = resolve(__dirname, "../..");

function redisUrl(): string {
  const url =
    process.env.E2E_REDIS_URL ??
    process.env.REDIS_STACK_URL ??
    process.env.REDIS8_URL ??
    process.env.REDIS7_URL ??
    process.env.VALKEY8_URL;
  if (!url)
    throw new Error(
      'No Redis for the e2e suite: run through npm test, or eval "$(bash scripts/test-servers.sh env)" first (or set E2E_REDIS_URL).',
    );
  return url;
}

function modelDir(): string {
  if (process.env.EMBEDDING_MODEL_DIR) return process.env.EMBEDDING_MODEL_DIR;
  const out = execFileSync("bash", [resolve(ROOT, "scripts/model/fetch-test-model.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return out.trim().split("\n").pop()!;
}

async function waitForHealth(url: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null)
      throw new Error(`The e2e server exited with code ${server.exitCode}; see test-results/e2e-server.log`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`The e2e server did not become healthy within ${timeoutMs / 1000}s; see test-results/e2e-server.log`);
}

function startServer(env: Record<string, string>): ChildProcess {
  mkdirSync(resolve(ROOT, "test-results"), { recursive: true });
  const log = createWriteStream(resolve(ROOT, "test-results/e2e-server.log"));
  const server = spawn("bash", [resolve(ROOT, "scripts/e2e-server.sh")], {
    cwd: ROOT,
    detached: true, // own process group, so teardown stops the server and its children
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  server.stdout!.pipe(log);
  server.stderr!.pipe(log);
  return server;
}

/** Fake OpenAI → seed Redis → build + start the production server; returns the teardown. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const url = redisUrl();
  const prefix = process.env.E2E_PREFIX!;
  const port = process.env.E2E_PORT!;
  const dir = modelDir();
  const fake = await new FakeOpenAI().start();
  // The Bot API behind the dashboard's media route (photo thumbnails).
  const tg = await new FakeTelegram().start();
  tg.addFile(EVE_PHOTO_FILE, EVE_PHOTO_PNG, "photos/file_eve.png");
  let server: ChildProcess | undefined;

  const teardown = async () => {
    if (server && server.exitCode === null && server.pid) {
      try {
        process.kill(-server.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    await fake.close();
    await tg.close();
    await dropSeed({ redisUrl: url, prefix, modelDir: dir });
  };

  try {
    const seeded = await seed({ redisUrl: url, prefix, modelDir: dir });
    console.log(
      `[e2e] seeded ${seeded.messages} messages under ${prefix} on ${url} (engine ${seeded.engine}); fake OpenAI at ${fake.baseURL}`,
    );
    server = startServer({
      E2E_PORT: port,
      REDIS_URL: url,
      REDIS_PREFIX: prefix,
      ADMIN_PASSWORD: process.env.E2E_ADMIN_PASSWORD!,
      SESSION_SECRET: "e2e-session-secret-not-for-production",
      OPENAI_API_KEY: "sk-fake-e2e",
      OPENAI_BASE_URL: fake.baseURL,
      EMBEDDING_PROVIDER: "local",
      EMBEDDING_MODEL_DIR: dir,
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: "e2e-webhook-secret-not-for-production",
      LOG_LEVEL: "info",
    });
    await waitForHealth(`http://127.0.0.1:${port}`, server, 15 * 60_000);
  } catch (e) {
    await teardown().catch(() => undefined); // leave no server, keys or index behind
    throw e;
  }
  return teardown;
}
