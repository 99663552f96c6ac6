import { z } from "zod";
import { userIdSchema } from "../memory/ids";
import type { HistoryMessage, MemoryHit, RecallResult, UserSettings, UserSummary } from "../memory/types";
import { METRIC_OPS, type LatencySeries } from "../metrics";
import type { Overview } from "./overview";
import type { PlaygroundTurn } from "./playground";
import type { RedisReport } from "./redis-report";
import type { UserDetail } from "./users";

/**
 * Input (and documented output) schemas of the admin API. Route handlers parse with these, and
 * lib/admin/openapi.ts builds /api/openapi.json from the same objects, so docs cannot drift.
 */

/** Decimal text → number; anything else ("0x10", " ", "1e3") stays text and fails as "expected number". */
const decimal = (v: unknown) => (typeof v === "string" && /^\s*[+-]?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v);

const int = (min: number, max: number, def: number, description: string) =>
  z.preprocess(decimal, z.number().int().min(min).max(max).default(def)).meta({ description });

/**
 * A user id in a path or query string: decimal text becomes a number, then the memory layer's
 * own rule (userIdSchema) decides, so the admin API accepts exactly the ids the memory layer
 * does ("-5", "0", "1.5", "9007199254740992" are 400s here, never 500s below).
 */
export const userId = z
  .preprocess(decimal, userIdSchema)
  .meta({ description: "Telegram user id (or a playground test id)", example: 123456789 });

const messageId = z
  .string()
  .regex(/^[0-9a-z]+-[0-9a-z]+$/, { error: "not a message id" })
  .max(64);

export const userParams = z.object({ userId });

export const usersQuery = z.object({
  q: z.string().trim().max(100).optional().meta({ description: "Matches user id, first name or username" }),
  sort: z.enum(["lastActive", "messages", "userId"]).default("lastActive"),
  order: z.enum(["asc", "desc"]).default("desc"),
  offset: int(0, 1_000_000, 0, "Users to skip"),
  limit: int(1, 200, 25, "Page size"),
});

export const historyQuery = z.object({
  before: messageId.optional().meta({ description: "Page back from this message id (exclusive)" }),
  limit: int(1, 500, 50, "Messages per page"),
});

export const pageQuery = z.object({
  offset: int(0, 1_000_000, 0, "Items to skip"),
  limit: int(1, 200, 50, "Page size"),
});

export const exportQuery = z.object({
  vectors: z.enum(["0", "1"]).default("0").meta({ description: "1 = include base64 vectors" }),
});

export const searchQuery = z.object({
  q: z.string().trim().min(1, { error: "q (the search text) is required" }).max(1000),
  userId: userId.optional().meta({ description: "Search one user; omit for all users" }),
  k: int(1, 100, 10, "Maximum number of results"),
  minScore: z
    .preprocess(decimal, z.number().min(0).max(1).default(0))
    .meta({ description: "Minimum cosine similarity for dense hits" }),
  mode: z.enum(["dense", "lexical", "hybrid"]).default("hybrid"),
});

export const latencyQuery = z.object({
  op: z.enum(METRIC_OPS).optional().meta({ description: "One operation; omit for all" }),
  range: z.enum(["1h", "24h"]).default("1h"),
});

export const loginBody = z.object({ password: z.string().min(1, { error: "password is required" }).max(1024) });

export const playgroundBody = z.object({
  userId: userIdSchema.meta({ description: "Test user id (a positive whole number)", example: 999000001 }),
  text: z.string().trim().min(1, { error: "text is required" }).max(4000),
  personal: z.boolean().optional().meta({ description: "Set the test user's personal mode (long-term recall) first" }),
});

// ---- documented responses ----
// Each is checked against the TypeScript type the handler returns (`satisfies Documents<T>`): a
// field added to the type and not documented here fails the typecheck.

/** A response schema that has a field for every top-level field of T. */
type Documents<T> = z.ZodObject<{ [K in keyof Required<T>]: z.ZodType }>;

export const errorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "bad_request:admin" }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "Error" });

export const okBody = z.object({ ok: z.literal(true) }).meta({ id: "Ok" });

export const historyMessage = z
  .object({
    id: z.string(),
    role: z.enum(["user", "assistant", "system"]),
    content: z.string(),
    ts: z.string(),
    tgMessageId: z.number().optional(),
    truncated: z.boolean().optional(),
    media: z
      .object({
        kind: z.enum(["voice", "photo"]),
        fileId: z.string(),
        duration: z.number().optional(),
        caption: z.string().optional(),
      })
      .optional()
      .meta({ description: "A voice message or photo; content is its transcript / description" }),
  })
  .meta({ id: "HistoryMessage" }) satisfies Documents<HistoryMessage>;

export const userSettings = z
  .object({
    model: z.string().optional(),
    personal: z.boolean(),
    language: z.string().optional(),
    firstName: z.string().optional(),
    username: z.string().optional(),
    createdAt: z.string().optional(),
    lastSeenAt: z.string().optional(),
    messages: z.number(),
    promptTokens: z.number(),
    completionTokens: z.number(),
    summary: z.string().optional(),
    summaryUpTo: z.string().optional(),
  })
  .meta({ id: "UserSettings" }) satisfies Documents<UserSettings>;

export const userSummary = userSettings
  .extend({ userId: z.number(), lastActiveAt: z.string().optional() })
  .meta({ id: "UserSummary" }) satisfies Documents<UserSummary>;

export const usersPage = z
  .object({ users: z.array(userSummary), total: z.number(), offset: z.number(), limit: z.number() })
  .meta({ id: "UsersPage" });

export const memoryHit = z
  .object({
    id: z.string(),
    userId: z.number(),
    role: z.string(),
    content: z.string(),
    ts: z.string(),
    score: z.number(),
    similarity: z.number().optional(),
    meta: z.record(z.string(), z.string()).optional(),
  })
  .meta({ id: "MemoryHit" }) satisfies Documents<MemoryHit>;

export const userDetail = z
  .object({ userId: z.number(), settings: userSettings, memories: z.number(), historyLength: z.number() })
  .meta({ id: "UserDetail" }) satisfies Documents<UserDetail>;
export const historyPage = z
  .object({ messages: z.array(historyMessage), hasMore: z.boolean() })
  .meta({ id: "HistoryPage" });
export const memoriesPage = z.object({ items: z.array(memoryHit), total: z.number() }).meta({ id: "MemoriesPage" });
export const searchResult = z
  .object({ hits: z.array(memoryHit), engine: z.string(), mode: z.string(), tookMs: z.number() })
  .meta({ id: "SearchResult" }) satisfies Documents<RecallResult>;

export const latencyPoint = z.object({
  t: z.number(),
  count: z.number(),
  p50: z.number().optional(),
  p95: z.number().optional(),
  p99: z.number().optional(),
});
export const latencySeries = z
  .object({
    op: z.enum(METRIC_OPS),
    stepMinutes: z.number(),
    points: z.array(latencyPoint),
    total: latencyPoint.omit({ t: true }),
  })
  .meta({ id: "LatencySeries" }) satisfies Documents<LatencySeries>;
export const latencyResponse = z
  .object({ range: z.enum(["1h", "24h"]), series: z.array(latencySeries) })
  .meta({ id: "Latency" });

export const overviewBody = z
  .object({
    health: z.record(z.string(), z.unknown()),
    totals: z.object({
      users: z.number(),
      messages: z.number(),
      memories: z.number(),
      promptTokens: z.number(),
      completionTokens: z.number(),
    }),
    journal: z
      .object({ pending: z.number(), degraded: z.boolean() })
      .meta({ description: "Writes waiting in this instance's Redis-down journal" }),
    redisMemory: z.record(z.string(), z.unknown()),
    bytesPerMessage: z.object({
      keys: z.number().nullable(),
      usedMemory: z.number().nullable(),
      keysSampled: z.boolean(),
    }),
    engine: z.string(),
    budget: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: "Memory budget: used / budget / maxmemory, projection, trimmed counts" }),
  })
  .meta({ id: "Overview" }) satisfies Documents<Overview>;

export const redisReport = z
  .object({
    roundTripMs: z.number(),
    info: z.record(z.string(), z.unknown()),
    keyspace: z.record(z.string(), z.unknown()),
    slowlog: z.record(z.string(), z.unknown()),
    index: z.record(z.string(), z.unknown()),
    engine: z.string(),
  })
  .meta({ id: "RedisReport" }) satisfies Documents<RedisReport>;

export const playgroundResponse = z
  .object({
    reply: z.string(),
    model: z.string(),
    prompt: z.object({
      messages: z.array(z.object({ role: z.string(), content: z.string() })),
      recalled: z.array(memoryHit),
      summary: z.string().optional(),
      window: z.array(historyMessage),
      tokens: z.number(),
    }),
    usage: z.object({ promptTokens: z.number(), completionTokens: z.number() }).optional(),
    userMessageId: z.string(),
    replyMessageId: z.string(),
    tookMs: z.number(),
  })
  .meta({ id: "PlaygroundTurn" }) satisfies Documents<PlaygroundTurn>;

export type UsersQuery = z.infer<typeof usersQuery>;
export type SearchQuery = z.infer<typeof searchQuery>;
