import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { loadConfig } from "@/lib/config";
import { buildHealth } from "@/lib/health";
import { createRuntime } from "@/lib/runtime";
import { setupChecks } from "@/lib/setup-status";
import { planRedis } from "../../scripts/dev-redis";

/**
 * When `npm run dev` starts its embedded Redis (scripts/dev-redis.ts planRedis), and what
 * production says without REDIS_URL (no connection is attempted). The real server's lifecycle
 * is in tests/integration/dev-redis.test.ts.
 */

const root = path.resolve(__dirname, "../..");

describe("planRedis: when npm run dev starts its own Redis", () => {
  it("REDIS_URL set → the user's Redis, nothing embedded", () => {
    assert.deepEqual(planRedis({ REDIS_URL: "redis://db.example.com:6380" }, root), {
      kind: "own",
      url: "redis://db.example.com:6380",
    });
  });
  it("production never starts one, even without REDIS_URL", () => {
    assert.deepEqual(planRedis({ NODE_ENV: "production" }, root), { kind: "production" });
    assert.deepEqual(planRedis({ NODE_ENV: "production", REDIS_URL: " " }, root), { kind: "production" });
  });
  it("development without REDIS_URL → embedded, data in .data/redis, port configurable", () => {
    assert.deepEqual(planRedis({}, root), {
      kind: "embedded",
      dataDir: path.join(root, ".data", "redis"),
      port: undefined,
    });
    assert.deepEqual(planRedis({ EMBEDDED_REDIS_PORT: "7150", EMBEDDED_REDIS_DATA_DIR: "/tmp/x" }, root), {
      kind: "embedded",
      dataDir: "/tmp/x",
      port: 7150,
    });
    assert.throws(() => planRedis({ EMBEDDED_REDIS_PORT: "http" }, root), /EMBEDDED_REDIS_PORT=http is not a port/);
  });
});

describe("production without REDIS_URL", () => {
  it("is a clear error on /api/health (503 down) and on the start page, not a crash", async () => {
    const config = loadConfig({
      NODE_ENV: "production",
      EMBEDDING_PROVIDER: "openai",
      OPENAI_API_KEY: "sk-x",
      OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
    });
    const rt = createRuntime(config);
    const health = await buildHealth(rt);
    rt.redis.disconnect();
    assert.equal(health.status, "down");
    assert.match(
      health.reasons.join(" "),
      /REDIS_URL is not set\. In production it is required \(no Redis is started for you\)/,
    );
    const redisCheck = setupChecks(config, health).find((c) => c.id === "redis")!;
    assert.equal(redisCheck.state, "error");
    assert.equal(redisCheck.title, "Redis: REDIS_URL is not set");
  });
});
