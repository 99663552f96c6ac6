import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { Redis } from "ioredis";
import { defaultCacheDir, pidAlive, ping, startEmbeddedRedis } from "../../scripts/dev-redis";

/**
 * The embedded Redis 8 of `npm run dev` (scripts/dev-redis.ts, scripts/dev.ts): a real server
 * from the same installer as the test servers, its data folder kept across restarts, stopped
 * with the launcher (also when the launcher is SIGKILLed), off when REDIS_URL is set and never
 * started in production. When it is planned, and production without REDIS_URL: tests/unit/dev-redis.test.ts.
 */

const root = path.resolve(__dirname, "../..");
const cacheDir = defaultCacheDir(process.env);
const haveRedis8 = existsSync(path.join(cacheDir, "bin", "redis8-server"))
  ? false
  : "no cached Redis 8 wrapper: run through npm test (scripts/test-servers.sh installs it)";
const tmp = mkdtempSync(path.join(os.tmpdir(), "mm-dev-redis-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function waitUntil(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("embedded Redis 8 lifecycle", { skip: haveRedis8 }, () => {
  it("starts Redis 8 on 127.0.0.1 with AOF, keeps the data folder across restarts, stops on request", async () => {
    const dataDir = path.join(tmp, "restart");
    const log: string[] = [];
    const first = await startEmbeddedRedis({ dataDir, cacheDir, root, log: (l) => log.push(l) });
    assert.equal(first.reused, false);
    const c1 = new Redis(first.url, { maxRetriesPerRequest: 1 });
    const info = await c1.info("server");
    assert.match(info, /redis_version:8\./);
    assert.deepEqual(await c1.config("GET", "appendonly"), ["appendonly", "yes"]);
    assert.deepEqual(await c1.config("GET", "bind"), ["bind", "127.0.0.1"]);
    await c1.call("VADD", "dev:vs", "VALUES", "2", "1", "0", "m1"); // vector sets: the engine the app picks
    await c1.set("dev:memory", "kept");
    c1.disconnect();
    // A second dev server on the same folder shares it instead of starting another server.
    const second = await startEmbeddedRedis({ dataDir, cacheDir, root, log: () => {} });
    assert.equal(second.reused, true);
    assert.equal(second.pid, first.pid);
    await first.stop();
    assert.equal(pidAlive(first.pid), false, "the server process is gone after stop()");
    assert.equal(await ping(first.port), false);

    const again = await startEmbeddedRedis({ dataDir, cacheDir, root, log: () => {} });
    const c2 = new Redis(again.url, { maxRetriesPerRequest: 1 });
    assert.equal(await c2.get("dev:memory"), "kept", "AOF in the data folder survived the restart");
    assert.equal(await c2.call("VCARD", "dev:vs"), 1);
    c2.disconnect();
    await again.stop();
    assert.ok(existsSync(path.join(dataDir, "appendonlydir")));
  });

  const launcher = (env: Record<string, string>) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/dev.ts", "--redis-only"], {
      cwd: root,
      env: { ...process.env, REDIS_URL: "", NODE_ENV: "development", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    return { child, output: () => out, exited };
  };
  const embeddedPid = (dataDir: string) =>
    (JSON.parse(readFileSync(path.join(dataDir, "embedded.json"), "utf8")) as { pid: number }).pid;

  it("npm run dev's launcher stops its Redis on SIGTERM, and a watchdog stops it when the launcher is SIGKILLed", async () => {
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      const dataDir = path.join(tmp, `launcher-${signal}`);
      const run = launcher({ EMBEDDED_REDIS_DATA_DIR: dataDir });
      await waitUntil(() => run.output().includes("running only Redis"), 60_000, `launcher start (${run.output()})`);
      assert.match(
        run.output(),
        new RegExp(
          `embedded Redis 8 at redis://127\\.0\\.0\\.1:\\d+, data in .*launcher-${signal}; set REDIS_URL to use your own`,
        ),
      );
      const pid = embeddedPid(dataDir);
      assert.ok(pidAlive(pid));
      run.child.kill(signal);
      await run.exited;
      await waitUntil(() => !pidAlive(pid), 10_000, `embedded Redis ${pid} to stop after the launcher got ${signal}`);
    }
  });

  it("REDIS_URL switches it off; production never starts one", async () => {
    const own = launcher({ REDIS_URL: "redis://127.0.0.1:1", EMBEDDED_REDIS_DATA_DIR: path.join(tmp, "own") });
    assert.equal(await own.exited, 1);
    assert.match(own.output(), /using REDIS_URL from the environment \(no embedded Redis\)/);
    const prod = launcher({ NODE_ENV: "production", EMBEDDED_REDIS_DATA_DIR: path.join(tmp, "prod") });
    assert.equal(await prod.exited, 1);
    assert.match(prod.output(), /NODE_ENV=production: no embedded Redis; REDIS_URL is required/);
    assert.equal(existsSync(path.join(tmp, "own")), false);
    assert.equal(existsSync(path.join(tmp, "prod")), false);
  });
});
