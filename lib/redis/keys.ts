/**
 * Every Redis key this app writes, in one place: what it is, who owns it, how long it lives,
 * whether it is conversation data (the overview's "bytes per stored message" counts only those)
 * and the group it must share a hash slot with on a cluster. All key strings are built here;
 * `npm run keys:docs` writes docs/keys.md from this table (a test fails when they drift).
 *
 * Placeholders: <user> Telegram user id, <chat> chat id, <update> update_id, <id> memory or
 * message id, <ip> client address, <op> metric operation, <minute> minutes since epoch.
 * Every key starts with REDIS_PREFIX (default `mindmate:`).
 */

export type KeyOwner = "memory" | "bot" | "auth" | "metrics";
export type KeyType = "STRING" | "HASH" | "LIST" | "ZSET" | "SET" | "vector set";
/**
 * Which keys one command or script touches together, i.e. what must share a hash slot on a
 * cluster: `user` (one user's keys), `chat` (one chat's queue keys), `global` (app-wide), `own`
 * (a key no script combines with another).
 */
export type SlotGroup = "user" | "chat" | "global" | "own";

export interface KeyNamespace {
  /** The key after the prefix, with placeholders. */
  pattern: string;
  type: KeyType;
  owner: KeyOwner;
  /** Module that writes it. */
  writer: string;
  ttl: string;
  /** Counts as stored conversation (messages, memories, profile, settings). */
  conversation: boolean;
  slot: SlotGroup;
  what: string;
}

/** Telegram update dedup window: an update_id seen within it is not queued again. */
export const TELEGRAM_DEDUP_SECONDS = 86_400;

export const KEY_REGISTRY: readonly KeyNamespace[] = [
  // memory (lib/memory, README there has the field-level layout)
  {
    pattern: "h:<user>",
    type: "LIST",
    owner: "memory",
    writer: "lib/memory/writes.ts",
    ttl: "MEMORY_TTL_DAYS, refreshed on write",
    conversation: true,
    slot: "user",
    what: "short-term history, newest first, capped at HISTORY_MAX",
  },
  {
    pattern: "u:<user>",
    type: "HASH",
    owner: "memory",
    writer: "lib/memory/writes.ts",
    ttl: "MEMORY_TTL_DAYS, refreshed on write",
    conversation: true,
    slot: "user",
    what: "settings and counters of a user",
  },
  {
    pattern: "p:<user>",
    type: "HASH",
    owner: "memory",
    writer: "lib/memory/profile.ts",
    ttl: "MEMORY_TTL_DAYS, refreshed on write",
    conversation: true,
    slot: "user",
    what: "profile facts and extraction progress",
  },
  {
    pattern: "users",
    type: "ZSET",
    owner: "memory",
    writer: "lib/memory/writes.ts",
    ttl: "none (old entries pruned on append)",
    conversation: true,
    slot: "global",
    what: "user id → last activity (ms)",
  },
  {
    pattern: "applied:<id>",
    type: "STRING",
    owner: "memory",
    writer: "lib/memory/writes.ts, budget/trim.ts",
    ttl: "7 days from the message",
    conversation: false,
    slot: "user",
    what: "replay guard of an unkeyed append without a long-term memory (one with a memory is guarded by its record), or the trim's tombstone of a memory younger than a day",
  },
  {
    pattern: "applied:k:<sha256>",
    type: "STRING",
    owner: "memory",
    writer: "lib/memory/guarded-write.ts",
    ttl: "7 days",
    conversation: false,
    slot: "user",
    what: "idempotency guard of an append with a caller key",
  },
  {
    pattern: "reindex:state",
    type: "HASH",
    owner: "memory",
    writer: "lib/memory/ops/reindex.ts",
    ttl: "until the reindex finishes",
    conversation: false,
    slot: "global",
    what: "memory:reindex progress",
  },
  {
    pattern: "reindex:queue",
    type: "LIST",
    owner: "memory",
    writer: "lib/memory/ops/reindex.ts",
    ttl: "until the reindex finishes",
    conversation: false,
    slot: "global",
    what: "memory:reindex records still to re-embed",
  },
  {
    pattern: "budget:state",
    type: "HASH",
    owner: "memory",
    writer: "lib/memory/budget/index.ts",
    ttl: "none",
    conversation: false,
    slot: "global",
    what: "memory budget totals (trimmed, sweeps)",
  },
  {
    pattern: "budget:trimmed",
    type: "HASH",
    owner: "memory",
    writer: "lib/memory/budget/index.ts",
    ttl: "none",
    conversation: false,
    slot: "global",
    what: "user id → memories trimmed by the budget",
  },
  {
    pattern: "budget:samples",
    type: "LIST",
    owner: "memory",
    writer: "lib/memory/budget/samples.ts",
    ttl: "none (288 kept)",
    conversation: false,
    slot: "global",
    what: "used memory every 10 min (the overview's projection)",
  },
  {
    pattern: "m:_meta",
    type: "HASH",
    owner: "memory",
    writer: "lib/memory/engines/meta.ts",
    ttl: "none",
    conversation: true,
    slot: "global",
    what: "what the vector index was built with (engine, dims, encoding, embedder)",
  },
  {
    pattern: "m:_users",
    type: "SET",
    owner: "memory",
    writer: "lib/memory/engines/scan.ts, vectorset.ts",
    ttl: "none",
    conversation: true,
    slot: "global",
    what: "user ids with long-term memories (scan, vector sets)",
  },
  {
    pattern: "m:s:<user>",
    type: "HASH",
    owner: "memory",
    writer: "lib/memory/engines/scan.ts",
    ttl: "LONG_TERM_TTL_DAYS, refreshed on write",
    conversation: true,
    slot: "user",
    what: "scan engine: memory id → packed record (vector + content)",
  },
  {
    pattern: "m:vs:<user>",
    type: "vector set",
    owner: "memory",
    writer: "lib/memory/engines/vectorset.ts",
    ttl: "LONG_TERM_TTL_DAYS, refreshed on write",
    conversation: true,
    slot: "user",
    what: "vector-set engine: the user's vectors",
  },
  {
    pattern: "m:c:<user>",
    type: "HASH",
    owner: "memory",
    writer: "lib/memory/engines/vectorset.ts",
    ttl: "LONG_TERM_TTL_DAYS, refreshed on write",
    conversation: true,
    slot: "user",
    what: "vector-set engine: memory id → packed content record",
  },
  {
    pattern: "m:l:<user>",
    type: "LIST",
    owner: "memory",
    writer: "lib/memory/recall-cache/engine-cache.ts",
    ttl: "LONG_TERM_TTL_DAYS, refreshed on write",
    conversation: true,
    slot: "user",
    what: "id log the recall cache syncs by",
  },
  {
    pattern: "m:d:<user>:<id>",
    type: "HASH",
    owner: "memory",
    writer: "lib/memory/engines/redisearch.ts",
    ttl: "LONG_TERM_TTL_DAYS, refreshed on write",
    conversation: true,
    slot: "user",
    what: "RediSearch engine: one memory, indexed by P m:idx:v1",
  },
  // bot (lib/bot, docs/bot.md)
  {
    pattern: "upd:<update>",
    type: "STRING",
    owner: "bot",
    writer: "lib/bot/chat-queue.ts",
    ttl: "1 day",
    conversation: false,
    slot: "chat",
    what: "Telegram update dedup, set by the enqueue script",
  },
  {
    pattern: "q:<chat>",
    type: "ZSET",
    owner: "bot",
    writer: "lib/bot/chat-queue.ts",
    ttl: "none (drained or reported, never expired)",
    conversation: false,
    slot: "chat",
    what: "queued updates of a chat, scored by update_id",
  },
  {
    pattern: "q:lock:<chat>",
    type: "STRING",
    owner: "bot",
    writer: "lib/bot/chat-queue.ts",
    ttl: "the lock's lease (ms)",
    conversation: false,
    slot: "chat",
    what: "the drain holding a chat",
  },
  {
    pattern: "q:work",
    type: "ZSET",
    owner: "bot",
    writer: "lib/bot/chat-queue.ts",
    ttl: "none",
    conversation: false,
    slot: "global",
    what: "chats with queued updates, scored by when they started waiting",
  },
  {
    pattern: "q:turn:<chat>:<update>",
    type: "HASH",
    owner: "bot",
    writer: "lib/bot/turn-progress.ts",
    ttl: "removed by the ack, 2-day backstop",
    conversation: false,
    slot: "chat",
    what: "progress of one update's turn",
  },
  {
    pattern: "replied:<chat>:<update>",
    type: "STRING",
    owner: "bot",
    writer: "lib/bot/turn-progress.ts",
    ttl: "removed by the ack, 2-day backstop",
    conversation: false,
    slot: "chat",
    what: "the reply to an update was sent",
  },
  {
    pattern: "rl:<user>",
    type: "STRING",
    owner: "bot",
    writer: "lib/bot/rate-limit.ts",
    ttl: "1 minute window",
    conversation: false,
    slot: "user",
    what: "messages in the user's rate-limit window",
  },
  {
    pattern: "bot:info:<bot>",
    type: "STRING",
    owner: "bot",
    writer: "lib/bot/bot-info.ts",
    ttl: "1 day",
    conversation: false,
    slot: "own",
    what: "cached getMe answer",
  },
  {
    pattern: "bot:poller:<bot>",
    type: "STRING",
    owner: "bot",
    writer: "lib/bot/poll-lock.ts",
    ttl: "the lock's lease (30 s), renewed",
    conversation: false,
    slot: "own",
    what: "the one long poller of a bot token",
  },
  // auth (lib/auth)
  {
    pattern: "login:fail:<ip>",
    type: "STRING",
    owner: "auth",
    writer: "lib/auth/login-throttle.ts",
    ttl: "15-minute window",
    conversation: false,
    slot: "global",
    what: "login attempts from one address",
  },
  {
    pattern: "login:global",
    type: "STRING",
    owner: "auth",
    writer: "lib/auth/login-throttle.ts",
    ttl: "15-minute window",
    conversation: false,
    slot: "global",
    what: "login attempts from all addresses",
  },
  {
    pattern: "login:ok:<ip>",
    type: "STRING",
    owner: "auth",
    writer: "lib/auth/login-throttle.ts",
    ttl: "30 days",
    conversation: false,
    slot: "global",
    what: "an address that logged in lately",
  },
  // metrics (lib/metrics)
  {
    pattern: "metrics:cumulative:<op>",
    type: "HASH",
    owner: "metrics",
    writer: "lib/metrics/prometheus.ts",
    ttl: "none (≈ 112 fields per op)",
    conversation: false,
    slot: "global",
    what: "everything recorded for one operation before the last 5 minutes (Prometheus counters never drop)",
  },
  {
    pattern: "metrics:<op>:<minute>",
    type: "HASH",
    owner: "metrics",
    writer: "lib/metrics/store.ts",
    ttl: "48 hours",
    conversation: false,
    slot: "global",
    what: "latency histogram of one operation in one minute (all instances)",
  },
];

const root = (pattern: string) => pattern.split(":")[0]!;
const CONVERSATION_ROOTS = new Set(KEY_REGISTRY.filter((k) => k.conversation).map((k) => root(k.pattern)));

/**
 * Whether keys of a keyspace namespace (`h`, `m:s`, `q:lock`… as the Redis report groups them)
 * are conversation data. Decided by the first segment, which the registry keeps unambiguous
 * (a unit test checks it); namespaces the registry does not know are not counted.
 */
export function isConversationNamespace(namespace: string): boolean {
  return CONVERSATION_ROOTS.has(root(namespace));
}

/** Keys of the memory layer (lib/memory and its engines). */
export interface MemoryKeys {
  prefix: string;
  history(userId: number): string;
  settings(userId: number): string;
  users(): string;
  /** Engine-owned keys live under this namespace. */
  memoryNamespace(): string;
  /** Per-user key of an engine: `s` scan records, `vs` vector set, `c` contents, `l` id log, `d` RediSearch docs. */
  memoryUser(userId: number, kind: "s" | "vs" | "c" | "l" | "d"): string;
  /** Engine-wide key: `meta`, `users`. */
  memoryGlobal(kind: "meta" | "users"): string;
  /** Replay guard; `applied("k:" + sha)` for keyed appends. */
  applied(id: string): string;
  profile(userId: number): string;
  reindex(kind: "state" | "queue"): string;
  budget(kind: "state" | "trimmed" | "samples"): string;
}

export function memoryKeys(prefix: string): MemoryKeys {
  return {
    prefix,
    history: (u) => `${prefix}h:${u}`,
    settings: (u) => `${prefix}u:${u}`,
    users: () => `${prefix}users`,
    profile: (u) => `${prefix}p:${u}`,
    memoryNamespace: () => `${prefix}m:`,
    memoryUser: (u, kind) => `${prefix}m:${kind}:${u}`,
    memoryGlobal: (kind) => `${prefix}m:_${kind}`,
    applied: (id) => `${prefix}applied:${id}`,
    reindex: (kind) => `${prefix}reindex:${kind}`,
    budget: (kind) => `${prefix}budget:${kind}`,
  };
}

/** Keys of the bot (lib/bot): the per-chat queue, turn progress, rate limit, bot caches. */
export function botKeys(prefix: string) {
  return {
    update: (updateId: number) => `${prefix}upd:${updateId}`,
    queue: (chat: string) => `${prefix}q:${chat}`,
    queueLock: (chat: string) => `${prefix}q:lock:${chat}`,
    queueWork: () => `${prefix}q:work`,
    /** Pre-q:work versions kept chats with work in this SET; the sweep adopts it once. */
    legacyPending: () => `${prefix}q:pending`,
    turn: (chat: string, updateId: number) => `${prefix}q:turn:${chat}:${updateId}`,
    replied: (chat: string, updateId: number) => `${prefix}replied:${chat}:${updateId}`,
    rateLimit: (userId: number) => `${prefix}rl:${userId}`,
    botInfo: (botId: string) => `${prefix}bot:info:${botId}`,
    pollLock: (botId: string) => `${prefix}bot:poller:${botId}`,
  };
}

/** Keys of the dashboard login throttle (lib/auth). */
export function authKeys(prefix: string) {
  return {
    loginFail: (ip: string) => `${prefix}login:fail:${ip}`,
    loginGlobal: () => `${prefix}login:global`,
    loginKnown: (ip: string) => `${prefix}login:ok:${ip}`,
  };
}

/** Keys of the shared latency metrics (lib/metrics). */
export function metricsKeys(prefix: string) {
  return {
    minute: (op: string, minute: number) => `${prefix}metrics:${op}:${minute}`,
    cumulative: (op: string) => `${prefix}metrics:cumulative:${op}`,
  };
}
