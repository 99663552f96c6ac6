/**
 * The memory layer's public contract. The bot, the dashboard, the CLIs and the benchmarks use
 * only this (through `createMemory()` / `getMemory()` in lib/memory/index.ts); nothing outside
 * lib/memory and lib/redis touches ioredis.
 */

export type Role = "user" | "assistant" | "system";

/** One entry of the short-term history list. */
export interface HistoryMessage {
  /** Unique, sortable id: `<ms timestamp base36>-<random>`; never a seconds timestamp. */
  id: string;
  role: Role;
  content: string;
  /** ISO 8601. */
  ts: string;
  /** Telegram message id, when the message came from Telegram. */
  tgMessageId?: number;
  /** True when content was cut at MAX_MESSAGE_CHARS (a marker is appended too). */
  truncated?: boolean;
}

export interface UserSettings {
  model?: string;
  personal: boolean;
  language?: string;
  firstName?: string;
  username?: string;
  createdAt?: string;
  lastSeenAt?: string;
  messages: number;
  promptTokens: number;
  completionTokens: number;
  /** Rolling summary of history older than the prompt window. */
  summary?: string;
  /** Id of the newest message the summary covers. */
  summaryUpTo?: string;
}

export interface AppendInput {
  userId: number;
  role: Role;
  content: string;
  tgMessageId?: number;
  /** Telegram profile bits kept in settings for the dashboard. */
  profile?: { firstName?: string; username?: string; language?: string };
  /** Token usage to add to the user's counters (assistant replies). */
  usage?: { promptTokens: number; completionTokens: number };
  /** Extra metadata kept with the long-term memory (e.g. LoCoMo dia_id). */
  meta?: Record<string, string>;
  /** Override the timestamp (imports, evaluations). */
  at?: Date;
  /**
   * Neighbouring conversation text — the previous message of the conversation, see
   * contextFor() in lib/memory/contextual.ts: mixed into the vector only; the stored content is
   * unchanged. memory:reindex derives the same neighbour from the stored order (0 bytes stored).
   */
  context?: string;
}

export type RecallMode = "dense" | "lexical" | "hybrid";

export interface RecallQuery {
  /** Omit for a search across all users (dashboard). */
  userId?: number;
  query: string;
  k?: number;
  /** Minimum cosine similarity for dense hits (0..1). Lexical-only hits ignore it. */
  minScore?: number;
  mode?: RecallMode;
  /** Ids to leave out (e.g. messages already in the prompt window). */
  excludeIds?: string[];
}

export interface MemoryHit {
  id: string;
  userId: number;
  role: Role;
  content: string;
  ts: string;
  /** Fused score in hybrid mode, cosine in dense mode, BM25 in lexical mode. */
  score: number;
  /** Cosine similarity when known (dense or hybrid). */
  similarity?: number;
  meta?: Record<string, string>;
}

export interface RecallResult {
  hits: MemoryHit[];
  engine: string;
  mode: RecallMode;
  tookMs: number;
}

export interface UserSummary extends UserSettings {
  userId: number;
  lastActiveAt?: string;
}

export interface UserExport {
  format: "mindmate.user";
  version: 1;
  exportedAt: string;
  userId: number;
  settings: UserSettings;
  history: HistoryMessage[];
  memories: {
    id: string;
    role: Role;
    content: string;
    ts: string;
    meta?: Record<string, string>;
    /** Base64 float32 vector, present when exported with vectors. */
    vector?: string;
    embedder?: string;
    /** Embedding scheme of the vector (contextual.ts); absent = "plain". */
    scheme?: string;
  }[];
}

export interface MemoryStats {
  users: number;
  messages: number;
  memories: number;
  promptTokens: number;
  completionTokens: number;
  journal: { pending: number; degraded: boolean };
  index: Record<string, unknown>;
}

/** The facade returned by createMemory(); every method is one or a few Redis round trips. */
export interface Memory {
  /** Engine in use after init: "redisearch" | "vectorset" | "scan". */
  readonly engine: string;
  readonly embedderId: string;
  /** Probes nothing itself: creates/checks the vector index. Call once before use. */
  init(): Promise<void>;

  /** Stores a message in history + settings counters + users index + long-term memory: ONE round trip after embedding. */
  appendMessage(input: AppendInput): Promise<HistoryMessage>;
  /** Newest `limit` messages, oldest first. `before` pages back from a message id. One round trip. */
  getHistory(userId: number, limit?: number, opts?: { before?: string }): Promise<HistoryMessage[]>;
  recall(query: RecallQuery): Promise<RecallResult>;
  /** Long-term memories of a user, newest first (dashboard). */
  listMemories(userId: number, opts?: { offset?: number; limit?: number }): Promise<{ items: MemoryHit[]; total: number }>;

  getSettings(userId: number): Promise<UserSettings>;
  updateSettings(userId: number, patch: Partial<Pick<UserSettings, "model" | "personal" | "language" | "summary" | "summaryUpTo">>): Promise<void>;
  listUsers(opts?: { offset?: number; limit?: number; query?: string; sort?: "lastActive" | "messages" | "userId"; order?: "asc" | "desc" }): Promise<{ users: UserSummary[]; total: number }>;

  /** Telegram update dedup: true the first time an update id is seen (SET NX EX 86400). */
  markUpdateProcessed(updateId: number): Promise<boolean>;

  /** New conversation: short-term history only; long-term memory and settings stay. */
  clear(userId: number): Promise<void>;
  /** Deletes every key and index entry of the user. */
  forget(userId: number): Promise<void>;
  exportUser(userId: number, opts?: { vectors?: boolean }): Promise<UserExport>;
  /** Refuses (conflict:memory) when the user has data, unless `replace` (which forgets the user first). */
  importUser(data: UserExport, opts?: { replace?: boolean }): Promise<void>;

  stats(): Promise<MemoryStats>;
  /** Redis-down journal state (health page). */
  journalState(): { degraded: boolean; pending: number };
}
