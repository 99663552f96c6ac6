import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { startFakeOpenAI, type FakeOpenAI } from "@/tests/fakes/openai-api";
import { startFakeTelegram, type FakeTelegram } from "@/tests/fakes/telegram-api";
import { deletePrefix, rawClient, testServers, uniquePrefix, type TestServer } from "@/tests/helpers/servers";
import { ensureStandaloneBuild, ROOT } from "@/tests/helpers/standalone-build";
import { tracedSize } from "@/bench/lib/nft-size";

/**
 * The self-host / Render start path: a production build booted as `node .next/standalone/server.js`
 * (no node_modules beside it) on a random port against a real Redis. Health reports the engine
 * the server supports, the dashboard login works, the webhook checks its secret and a real
 * update is answered through the fake Telegram and OpenAI servers.
 */

// The richest server available, so the engine check is as specific as possible.
const order: TestServer["name"][] = ["redis-stack", "redis8", "valkey8", "redis7"];
const server = testServers().available.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name))[0];
const skip = server ? false : "no test Redis URL set: run through npm test";
const modelDir = process.env.EMBEDDING_MODEL_DIR;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe("standalone server (node .next/standalone/server.js)", { skip }, () => {
  const prefix = uniquePrefix("standalone");
  const secret = randomBytes(16).toString("hex");
  const password = randomBytes(12).toString("hex");
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), "mindmate-standalone-cache-"));
  // The server runs from a copy outside the repository, as in the Docker image: inside it, Node
  // would find any module the build forgot to trace in the repository's node_modules.
  const appDir = mkdtempSync(path.join(os.tmpdir(), "mindmate-standalone-app-"));
  let child: ChildProcess | undefined;
  let url = "";
  let output = "";
  let tg: FakeTelegram;
  let ai: FakeOpenAI;

  async function get(p: string, init?: RequestInit): Promise<Response> {
    return fetch(url + p, { redirect: "manual", ...init });
  }

  before(async () => {
    const { serverJs } = ensureStandaloneBuild((m) => console.log(`[deploy.standalone] ${m}`));
    cpSync(path.dirname(serverJs), appDir, { recursive: true, verbatimSymlinks: true });
    tg = await startFakeTelegram();
    ai = await startFakeOpenAI();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      REDIS_URL: server!.url,
      REDIS_PREFIX: prefix,
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_WEBHOOK_SECRET: secret,
      TELEGRAM_API_ROOT: tg.apiRoot,
      OPENAI_API_KEY: "sk-standalone-test",
      OPENAI_BASE_URL: ai.baseURL,
      ADMIN_PASSWORD: password,
      SESSION_SECRET: randomBytes(32).toString("hex"),
      // Absolute: the standalone server chdirs into .next/standalone.
      EMBEDDING_CACHE_DIR: cacheDir,
      ...(modelDir ? { EMBEDDING_MODEL_DIR: modelDir } : {}),
    };
    // Only this environment: the server must not depend on anything the test process has.
    const proc = spawn(process.execPath, [path.join(appDir, "server.js")], {
      env: env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    proc.stdout.on("data", (d: Buffer) => (output += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${output}`);
      try {
        if ((await get("/api/health")).status !== 0) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`server did not listen within 60 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    await tg?.close();
    await ai?.close();
    const redis = rawClient(server!.url);
    await deletePrefix(redis, prefix);
    redis.disconnect();
    rmSync(cacheDir, { recursive: true, force: true });
    rmSync(appDir, { recursive: true, force: true });
  });

  it(`GET /api/health is 200 with the engine of ${server?.name} (${server?.engine})`, async () => {
    const res = await get("/api/health");
    const body = (await res.json()) as { status: string; engine: string; redis: { reachable: boolean } };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.engine, server!.engine);
    assert.equal(body.redis.reachable, true);
  });

  it(
    "loads the embedding model from the standalone bundle (onnxruntime-node traced)",
    { skip: modelDir ? false : "EMBEDDING_MODEL_DIR not set" },
    async () => {
      const deadline = Date.now() + 60_000;
      let embedder: { loaded: boolean; error?: string } = { loaded: false };
      while (Date.now() < deadline) {
        embedder = ((await (await get("/api/health")).json()) as { embedder: typeof embedder }).embedder;
        if (embedder.loaded || embedder.error) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(embedder.error, undefined);
      assert.equal(embedder.loaded, true, `model not loaded in 60 s; server output:\n${output}`);
    },
  );

  it("keeps the app/api/telegram function (with onnxruntime-node) under Vercel's 250 MB", () => {
    const trace = path.join(ROOT, ".next/server/app/api/telegram/route.js.nft.json");
    const size = tracedSize([trace, path.join(ROOT, ".next/next-minimal-server.js.nft.json")]);
    console.log(
      `[deploy.standalone] app/api/telegram traced: ${size.files} files, ${(size.bytes / 1e6).toFixed(1)} MB`,
    );
    assert.ok(
      size.byPackage.some((p) => p.name === "onnxruntime-node"),
      "onnxruntime-node is not in the function's trace",
    );
    assert.ok(size.bytes < 250e6, `${(size.bytes / 1e6).toFixed(1)} MB exceeds Vercel's 250 MB function limit`);
  });

  it("renders the dashboard login page with its static assets", async () => {
    const res = await get("/login");
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /type="password"/);
    const asset = html.match(/\/_next\/static\/[^"']+\.(?:js|css)/)?.[0];
    assert.ok(asset, "no /_next/static asset referenced");
    assert.equal(
      (await get(asset)).status,
      200,
      `${asset} not served: .next/static must be copied beside the standalone server`,
    );
  });

  it("sends /dashboard to the login, and in with the admin password", async () => {
    const anon = await get("/dashboard");
    assert.equal(anon.status, 307);
    assert.match(anon.headers.get("location") ?? "", /\/login\?next=%2Fdashboard/);
    const login = await get("/api/admin/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ password }),
    });
    assert.equal(login.status, 200, await login.text());
    const cookie = login.headers.get("set-cookie")?.split(";")[0];
    assert.ok(cookie, "no session cookie");
    assert.equal((await get("/dashboard", { headers: { cookie } })).status, 200);
  });

  it("answers the webhook 401 without or with a wrong secret", async () => {
    const update = JSON.stringify({
      update_id: 1,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: 5, type: "private" },
        from: { id: 5, is_bot: false, first_name: "X" },
        text: "hi",
      },
    });
    const none = await get("/api/telegram", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: update,
    });
    assert.equal(none.status, 401);
    const wrong = await get("/api/telegram", {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "wrong" },
      body: update,
    });
    assert.equal(wrong.status, 401);
    assert.equal(ai.chatRequests().length, 0, "a refused update must not reach the model");
  });

  it("answers the webhook 200 with the secret, then replies through Telegram", async () => {
    const chat = 424242;
    const update = {
      update_id: 77,
      message: {
        message_id: 10,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chat, type: "private", first_name: "Ada" },
        from: { id: chat, is_bot: false, first_name: "Ada" },
        text: "standalone works?",
      },
    };
    const res = await get("/api/telegram", {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
      body: JSON.stringify(update),
    });
    assert.equal(res.status, 200, await res.text());
    await tg.waitFor(() => tg.sentTo(chat).length > 0, 60_000, "the reply");
    assert.match(String(tg.sentTo(chat)[0]!.params.text), /You said: standalone works\?/);
  });
});
