import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "@/lib/config";
import { documentedVariables } from "@/lib/config-schema";
import { renderEnvExample, renderEnvTable } from "../../scripts/env-docs";

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, "expected a ConfigError");
    return e.problems.map((p) => p.variable);
  }
  assert.fail("expected the config to be rejected");
}

describe("config", () => {
  it("starts with no configuration at all, listing what is missing", () => {
    const c = loadConfig({});
    assert.equal(c.redis.url, "redis://localhost:6379");
    assert.equal(c.redis.prefix, "mindmate:");
    assert.equal(c.telegram.mode, "disabled");
    assert.equal(c.embedding.provider, "local");
    assert.equal(c.memory.historyMax, 100);
    assert.equal(c.memory.ttlDays, 30);
    assert.deepEqual(c.missing.map((m) => m.variable).sort(), [
      "ADMIN_PASSWORD",
      "OPENAI_API_KEY",
      "TELEGRAM_BOT_TOKEN",
    ]);
    for (const m of c.missing) assert.match(m.fix, /\w/);
  });

  it("names the variable when a value is invalid", () => {
    assert.deepEqual(problems({ HISTORY_MAX: "lots" }), ["HISTORY_MAX"]);
    assert.deepEqual(problems({ REDIS_URL: "http://example.com" }), ["REDIS_URL"]);
    assert.deepEqual(problems({ VECTOR_ENGINE: "faiss" }), ["VECTOR_ENGINE"]);
    assert.deepEqual(problems({ ALLOWED_USER_IDS: "12,abc" }), ["ALLOWED_USER_IDS"]);
    assert.deepEqual(problems({ HISTORY_MAX: "0", MEMORY_TTL_DAYS: "x" }).sort(), ["HISTORY_MAX", "MEMORY_TTL_DAYS"]);
  });

  it("the error message says how to fix it", () => {
    try {
      loadConfig({ VECTOR_ENGINE: "faiss" });
      assert.fail("should throw");
    } catch (e) {
      assert.match((e as Error).message, /VECTOR_ENGINE: must be one of: auto, redisearch, vectorset, scan/);
      assert.match((e as Error).message, /\.env\.example/);
    }
  });

  it("webhook mode requires a secret; polling does not", () => {
    assert.deepEqual(problems({ TELEGRAM_BOT_TOKEN: "1:abc", BOT_MODE: "webhook" }), ["TELEGRAM_WEBHOOK_SECRET"]);
    assert.deepEqual(
      problems({ TELEGRAM_BOT_TOKEN: "1:abc", NODE_ENV: "production" }),
      ["TELEGRAM_WEBHOOK_SECRET"],
      "deployments default to the webhook",
    );
    assert.deepEqual(
      problems({ TELEGRAM_BOT_TOKEN: "1:abc", PUBLIC_URL: "https://x.example.com" }),
      ["TELEGRAM_WEBHOOK_SECRET"],
      "a public URL means webhook",
    );
    assert.equal(
      loadConfig({ TELEGRAM_BOT_TOKEN: "1:abc" }).telegram.mode,
      "polling",
      "development with only a token polls (npm run dev)",
    );
    const polling = loadConfig({ TELEGRAM_BOT_TOKEN: "1:abc", BOT_MODE: "polling" });
    assert.equal(polling.telegram.mode, "polling");
    const hook = loadConfig({ TELEGRAM_BOT_TOKEN: "1:abc", TELEGRAM_WEBHOOK_SECRET: "s3cret" });
    assert.deepEqual(hook.telegram, {
      mode: "webhook",
      token: "1:abc",
      secretToken: "s3cret",
      publicUrl: undefined,
      apiRoot: undefined,
    });
  });

  it("REDIS_URL: required in production (a clear problem, not a crash), defaulted elsewhere", () => {
    const prod = loadConfig({ NODE_ENV: "production" });
    assert.match(prod.redis.problem ?? "", /REDIS_URL is not set\. In production it is required/);
    const dev = loadConfig({});
    assert.equal(dev.redis.problem, undefined);
    assert.equal(dev.redis.source, "default");
    const embedded = loadConfig({ REDIS_URL: "redis://127.0.0.1:7111", EMBEDDED_REDIS_DATA_DIR: "/x/.data/redis" });
    assert.equal(embedded.redis.source, "embedded");
    assert.equal(loadConfig({ REDIS_URL: "redis://db:6379" }).redis.source, "env");
  });

  it("the embedding provider is a discriminated union", () => {
    assert.deepEqual(problems({ EMBEDDING_PROVIDER: "openai" }), ["OPENAI_API_KEY"]);
    const c = loadConfig({
      EMBEDDING_PROVIDER: "openai",
      OPENAI_API_KEY: "sk-x",
      OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
    });
    assert.equal(c.embedding.provider, "openai");
    if (c.embedding.provider === "openai") {
      assert.equal(c.embedding.model, "text-embedding-3-small");
      assert.equal(c.embedding.dims, 384);
    }
    assert.deepEqual(problems({ EMBEDDING_DIMS: "512" }), ["EMBEDDING_DIMS"]);
  });

  it("accepts rediss:// with password and db index, and id lists", () => {
    const c = loadConfig({
      REDIS_URL: "rediss://:pw@cache.example.com:6380/2",
      ALLOWED_USER_IDS: "1, 22,333",
      DEFAULT_MODEL: "my-model",
    });
    assert.equal(c.redis.url, "rediss://:pw@cache.example.com:6380/2");
    assert.deepEqual(c.access.allowedUserIds, [1, 22, 333]);
    assert.equal(c.llm.defaultModel, "my-model");
    assert.ok(c.llm.allowedModels.includes("my-model"));
  });

  it("treats empty strings as unset", () => {
    const c = loadConfig({ REDIS_URL: "", HISTORY_MAX: " ", TELEGRAM_BOT_TOKEN: "" });
    assert.equal(c.redis.url, "redis://localhost:6379");
    assert.equal(c.memory.historyMax, 100);
    assert.equal(c.telegram.mode, "disabled");
  });

  it("every variable has a one-line why, and .env.example / docs/environment.md are current", () => {
    for (const { name, description } of documentedVariables()) {
      assert.ok(description.length > 10, `${name} has no description in the schema`);
    }
    assert.equal(readFileSync(".env.example", "utf8"), renderEnvExample(), "run npm run env:docs");
    assert.equal(readFileSync("docs/environment.md", "utf8"), renderEnvTable(), "run npm run env:docs");
  });
});
