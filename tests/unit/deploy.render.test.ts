import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { ConfigError, loadConfig } from "@/lib/config";
import { envSchema, type RawEnv } from "@/lib/config-schema";

/**
 * The Render blueprint and the compose file against the config schema: every variable they set
 * exists in lib/config-schema.ts (no drift), every variable a deployment needs is there, and the
 * environment they produce passes loadConfig with nothing reported missing.
 */

const root = path.resolve(__dirname, "../..");
const schemaKeys = new Set(Object.keys(envSchema.shape));

interface RenderEnvVar {
  key: string;
  value?: string | number | boolean;
  sync?: boolean;
  generateValue?: boolean;
  fromService?: { type: string; name: string; property?: string; envVarKey?: string };
}
interface RenderService {
  type: string;
  name: string;
  runtime?: string;
  plan?: string;
  buildCommand?: string;
  startCommand?: string;
  healthCheckPath?: string;
  maxmemoryPolicy?: string;
  ipAllowList?: unknown[];
  envVars?: RenderEnvVar[];
}

const blueprint = parse(readFileSync(path.join(root, "render.yaml"), "utf8")) as { services: RenderService[] };
const web = blueprint.services.find((s) => s.type === "web");
const keyValue = blueprint.services.find((s) => s.type === "keyvalue");
const envVars = web?.envVars ?? [];
const byKey = new Map(envVars.map((v) => [v.key, v]));

/** Variables a deployment must set, derived from what loadConfig reports for an empty env. */
function requiredByConfig(): string[] {
  const required = new Set(loadConfig({}).missing.map((m) => m.variable));
  // With a bot token, webhook mode (the default) refuses to start without its secret.
  try {
    loadConfig({ TELEGRAM_BOT_TOKEN: "1:x", NODE_ENV: "production" });
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    for (const p of e.problems) required.add(p.variable);
  }
  return [...required];
}

/** Variables whose defaults are wrong in a deployment (localhost Redis, per-process secrets, relative paths). */
const deploymentSpecific = ["REDIS_URL", "SESSION_SECRET", "PUBLIC_URL", "EMBEDDING_CACHE_DIR", "NODE_ENV"];
const secrets = ["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "OPENAI_API_KEY", "ADMIN_PASSWORD", "SESSION_SECRET"];

/** What Render would put in the environment: generated secrets, prompted values, the Key Value URL. */
function renderEnvironment(): RawEnv {
  const env: RawEnv = {};
  for (const v of envVars) {
    if (v.generateValue) env[v.key] = "generated-" + v.key.toLowerCase();
    else if (v.fromService) env[v.key] = "redis://red-abc123:6379";
    else if (v.sync === false)
      env[v.key] =
        v.key === "PUBLIC_URL"
          ? "https://mindmate.onrender.com"
          : v.key.endsWith("_IDS") || v.key.endsWith("BASE_URL")
            ? ""
            : "prompted-" + v.key.toLowerCase();
    else env[v.key] = String(v.value);
  }
  return env;
}

describe("render.yaml", () => {
  it("has a node web service with build, start and /api/health", () => {
    assert.ok(web, "no `type: web` service");
    assert.equal(web.runtime, "node");
    assert.equal(web.healthCheckPath, "/api/health");
    assert.match(web.buildCommand ?? "", /npm ci --include=dev/, "devDependencies are needed to build");
    assert.match(web.buildCommand ?? "", /npm run build/);
    assert.match(
      web.buildCommand ?? "",
      /cp -r \.next\/static \.next\/standalone\/\.next\/static/,
      "standalone needs its static files",
    );
    assert.match(web.buildCommand ?? "", /npm run model:fetch/, "the model must be fetched at build time");
    assert.match(web.startCommand ?? "", /node \.next\/standalone\/server\.js/);
    assert.match(web.startCommand ?? "", /HOSTNAME=0\.0\.0\.0/);
  });

  it("wires REDIS_URL to a Key Value instance that never evicts memories", () => {
    assert.ok(keyValue, "no `type: keyvalue` service");
    const redis = byKey.get("REDIS_URL");
    assert.deepEqual(redis?.fromService, { type: "keyvalue", name: keyValue.name, property: "connectionString" });
    assert.equal(keyValue.maxmemoryPolicy, "noeviction");
    assert.ok(Array.isArray(keyValue.ipAllowList), "ipAllowList is required for Key Value");
  });

  it("names only variables that exist in lib/config-schema.ts", () => {
    const unknown = envVars.map((v) => v.key).filter((k) => !schemaKeys.has(k));
    assert.deepEqual(unknown, [], `render.yaml sets variables the app does not read: ${unknown.join(", ")}`);
    assert.equal(byKey.size, envVars.length, "a variable is listed twice");
  });

  it("names every variable a deployment needs", () => {
    const required = [...requiredByConfig(), ...deploymentSpecific];
    assert.ok(
      required.includes("TELEGRAM_WEBHOOK_SECRET") && required.includes("OPENAI_API_KEY"),
      `derived list looks wrong: ${required.join(", ")}`,
    );
    const absent = required.filter((k) => !byKey.has(k));
    assert.deepEqual(absent, [], `render.yaml lacks ${absent.join(", ")}`);
  });

  it("never commits a secret: tokens are prompted, app secrets generated", () => {
    for (const k of secrets) {
      const v = byKey.get(k);
      assert.ok(v, `${k} missing`);
      assert.equal(v.value, undefined, `${k} must not have a literal value`);
      assert.ok(v.sync === false || v.generateValue === true, `${k} must be sync: false or generateValue: true`);
    }
    for (const k of ["TELEGRAM_WEBHOOK_SECRET", "ADMIN_PASSWORD", "SESSION_SECRET"])
      assert.equal(byKey.get(k)?.generateValue, true, k);
    for (const k of ["TELEGRAM_BOT_TOKEN", "OPENAI_API_KEY"]) assert.equal(byKey.get(k)?.sync, false, k);
  });

  it("produces an environment that loadConfig accepts with nothing missing", () => {
    const config = loadConfig(renderEnvironment());
    assert.deepEqual(config.missing, []);
    assert.equal(config.nodeEnv, "production");
    assert.equal(config.telegram.mode, "webhook");
    assert.equal(config.redis.url, "redis://red-abc123:6379");
    assert.equal(config.embedding.provider, "local");
    if (config.embedding.provider === "local")
      assert.ok(path.isAbsolute(config.embedding.cacheDir), "the cache dir must survive the standalone server's chdir");
  });
});

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | null>;
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}

describe("compose.yaml and Dockerfile", () => {
  const compose = parse(readFileSync(path.join(root, "compose.yaml"), "utf8")) as {
    services: Record<string, ComposeService>;
  };
  const app = Object.values(compose.services).find((s) => s.build !== undefined);
  const redis = Object.values(compose.services).find((s) => s.image?.startsWith("redis:"));
  // Continuation lines (trailing backslash) joined, so a multi-line ENV reads as one instruction.
  const dockerfile = readFileSync(path.join(root, "Dockerfile"), "utf8").replace(/\\\n\s*/g, " ");

  it("runs the app against Redis 8 with AOF on and data in a volume", () => {
    assert.ok(app && redis, "compose needs an app (build) and a redis (image) service");
    assert.match(redis.image ?? "", /^redis:8/);
    const cmd = Array.isArray(redis.command) ? redis.command.join(" ") : (redis.command ?? "");
    assert.match(cmd, /--appendonly yes/);
    assert.match(cmd, /--maxmemory-policy noeviction/);
    assert.ok(
      redis.volumes?.some((v) => v.endsWith(":/data")),
      "Redis data must live in a volume",
    );
    assert.ok(redis.healthcheck, "redis needs a healthcheck so the app waits for it");
    assert.equal(Object.values(app.depends_on ?? {})[0]?.condition, "service_healthy");
  });

  it("sets only variables that exist in lib/config-schema.ts", () => {
    const keys = Object.keys(app?.environment ?? {});
    assert.ok(keys.includes("REDIS_URL"));
    const envInDockerfile = [...dockerfile.matchAll(/^ENV\s+(.+)$/gm)].flatMap((m) =>
      [...m[1]!.matchAll(/([A-Z_][A-Z0-9_]*)=/g)].map((x) => x[1]!),
    );
    // PORT and HOSTNAME belong to Next's standalone server, not to the app's config.
    const unknown = [...keys, ...envInDockerfile].filter((k) => !schemaKeys.has(k) && k !== "PORT" && k !== "HOSTNAME");
    assert.deepEqual(unknown, []);
  });

  it("builds a multi-stage, non-root image with the model inside and a healthcheck", () => {
    assert.ok((dockerfile.match(/^FROM /gm) ?? []).length >= 2, "multi-stage");
    assert.match(dockerfile, /npm run model:fetch/);
    assert.match(dockerfile, /^USER (?!root)\S+/m);
    assert.match(dockerfile, /^HEALTHCHECK .*\/api\/health/m);
    assert.match(dockerfile, /\.next\/standalone/);
    assert.match(dockerfile, /\.next\/static/);
  });
});
