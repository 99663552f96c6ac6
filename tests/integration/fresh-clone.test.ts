import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { Redis } from "ioredis";
import { startFakeOpenAI } from "../fakes/openai-api";
import { startFakeTelegram } from "../fakes/telegram-api";
import { testUser, textUpdate } from "../helpers/telegram-updates";

/**
 * Issue 10 end to end, as a newcomer: a fresh clone of HEAD, README command 1 literally
 * (`npm install`, nothing set), then `npm run dev` with only a (fake) Telegram token and model
 * API set must reach /api/health = 200 on the embedded Redis 8 (engine vectorset) with the model
 * loaded, and answer a Telegram message through the dev server's own poller; the conversation
 * is still in the embedded Redis's data folder after the dev server stopped. The slowest test
 * (npm install + a cold `next dev`); the shared cache (~/.cache/mindmate: Redis 8, model) and
 * npm's cache keep it to a few minutes.
 */

const root = path.resolve(__dirname, "../..");
const cache = process.env.MINDMATE_CACHE || path.join(os.homedir(), ".cache", "mindmate");
const skip = existsSync(path.join(cache, "bin", "redis8-server"))
  ? false
  : "no cached Redis 8 (run through npm test, which installs it)";
const tmp = mkdtempSync(path.join(os.tmpdir(), "mm-fresh-clone-"));
const clone = path.join(tmp, "mindmate");
// Deleting the clone's node_modules takes longer than the test itself on a busy machine: in the background.
after(() => spawn("rm", ["-rf", tmp], { detached: true, stdio: "ignore" }).unref());

/** What a newcomer's shell has: no project variables, no npm_config_* from a parent npm. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "USER", "LANG", "TMPDIR", "MINDMATE_CACHE"];
  const env: Record<string, string> = {};
  for (const k of keep) if (process.env[k]) env[k] = process.env[k]!;
  return { ...env, NEXT_TELEMETRY_DISABLED: "1", ...extra } as unknown as NodeJS.ProcessEnv; // no NODE_ENV: next dev sets it
}

function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => r(port));
    });
  });
}

async function waitUntil<T>(check: () => Promise<T | undefined>, ms: number, what: () => string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function devServer(port: number, env: Record<string, string> = {}) {
  const child = spawn("npm", ["run", "dev", "--", "-p", String(port)], {
    cwd: clone,
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return {
    output: () => output,
    /** Ctrl+C in the terminal: SIGINT to the whole process group. */
    async stop() {
      try {
        process.kill(-child.pid!, "SIGINT");
      } catch {
        /* already gone */
      }
      const t = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 30_000);
      await exited;
      clearTimeout(t);
    },
  };
}

type Health = {
  status: string;
  engine?: string;
  redis: { source: string; url: string };
  embedder: { loaded: boolean };
};

describe("fresh clone: README command 1, then npm run dev on embedded defaults", { skip }, () => {
  it("npm install exits 0 with nothing set; npm run dev reaches /api/health 200 (vectorset, model loaded); Telegram polls in-process; data survives", async () => {
    execFileSync("git", ["clone", "--quiet", root, clone]);
    const install = Date.now();
    execFileSync("npm", ["install"], {
      cwd: clone,
      env: cleanEnv(),
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 10 * 60_000,
    });
    console.log(`npm install in the fresh clone: ${Math.round((Date.now() - install) / 1000)} s`);
    assert.ok(existsSync(path.join(clone, "node_modules", "next")));

    // npm run dev with nothing but a (fake) Telegram token and model API: embedded Redis 8,
    // the model from the shared cache, the dev server's own poller.
    const [tg, ai] = await Promise.all([startFakeTelegram(), startFakeOpenAI()]);
    const u = testUser(970001);
    const port = await freePort();
    const started = Date.now();
    const dev = devServer(port, {
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      OPENAI_API_KEY: "sk-test-fake",
      OPENAI_BASE_URL: ai.baseURL,
      DEFAULT_MODEL: "gpt-4o-mini",
    });
    try {
      const health = await waitUntil(
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/api/health`);
          const h = (await res.json()) as Health;
          return res.status === 200 && h.embedder.loaded ? h : undefined;
        },
        150_000,
        () => `health 200 with the model loaded; output:\n${dev.output()}`,
      );
      console.log(
        `npm run dev → /api/health 200 with the model loaded: ${Math.round((Date.now() - started) / 1000)} s`,
      );
      assert.equal(health.engine, "vectorset");
      assert.equal(health.redis.source, "embedded");
      assert.match(
        dev.output(),
        /embedded Redis 8 at redis:\/\/127\.0\.0\.1:\d+, data in \.data\/redis; set REDIS_URL to use your own/,
      );

      await waitUntil(
        async () => (tg.callsOf("getUpdates").length > 0 ? true : undefined),
        60_000,
        () => `the dev poller; output:\n${dev.output()}`,
      );
      tg.pushUpdates(textUpdate(u, "I live in Lisbon"));
      await tg.waitFor(() => tg.sentTo(u.id).length > 0, 90_000, "a reply from the dev server's poller");
      assert.equal(tg.sentTo(u.id)[0]!.params.text, "You said: I live in Lisbon");
      const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      assert.match(page, /embedded Redis 8 at redis:\/\/127\.0\.0\.1:\d+/);
      assert.match(page, /Telegram: polling as @mindmate_test_bot/);
    } finally {
      await dev.stop();
      await Promise.all([tg.close(), ai.close()]);
    }
    assert.equal(
      existsSync(path.join(clone, ".data", "redis", "embedded.json")),
      false,
      "the embedded Redis stopped with the dev server",
    );

    // 3. The conversation is in the data folder: start only the embedded Redis and look.
    const redisOnly = spawn("npm", ["run", "dev", "--", "--redis-only"], {
      cwd: clone,
      env: cleanEnv(),
      stdio: "ignore",
      detached: true,
    });
    try {
      const state = await waitUntil(
        async () => {
          const f = path.join(clone, ".data", "redis", "embedded.json");
          return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as { port: number }) : undefined;
        },
        30_000,
        () => "the embedded Redis",
      );
      const redis = new Redis(`redis://127.0.0.1:${state.port}`, { maxRetriesPerRequest: 1 });
      const keys = await redis.keys(`mindmate:h:${u.id}*`);
      redis.disconnect();
      assert.ok(keys.length > 0, "the message stored through the dev server survived its restart");
    } finally {
      process.kill(-redisOnly.pid!, "SIGINT");
      await new Promise((r) => redisOnly.on("exit", r));
    }
  });
});
