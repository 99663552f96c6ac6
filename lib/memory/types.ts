import type { BudgetReport } from "./budget";
/**
 * The memory layer's public contract. The bot, the dashboard, the CLIs and the benchmarks use
 * only this (through `createMemory()`, or the app's facade `getApp().memory()` in lib/app);
 * nothing outside lib/memory and lib/redis imports ioredis.
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
  /** The message came as a voice message or photo; `content` is its transcript / description. */
  media?: MessageMedia;
}

/** Where a non-text message's content came from (Telegram file ids, never a URL with the bot token). */
export interface MessageMedia {
  kind: "voice" | "photo";
  /** Telegram file_id, used by the dashboard's authenticated media route. */
  fileId: string;
  /** Voice: seconds. */
  duration?: number;
  /** Photo: the caption the user wrote, if any. */
  caption?: string;
}

/** What a profile fact is about. Single-valued categories keep one current fact. */
export const PROFILE_CATEGORIES = [
  "name",
  "address_as",
  "family",
  "place",
  "like",
  "dislike",
  "goal",
  "date",
  "reply_style",
  "language",
  "other",
] as const;
export type ProfileCategory = (typeof PROFILE_CATEGORIES)[number];
/** Reply styles a user can ask for; the prompt text for each is ours, never the model's words. */
export const REPLY_STYLES = ["concise", "detailed", "casual", "formal", "playful"] as const;
export type ReplyStyle = (typeof REPLY_STYLES)[number];

/**
 * One durable fact about a user (bi-temporal, kept simple): when it was learnt, from which
 * messages, and — once contradicted, edited or deleted — when it stopped being current.
 * Superseded facts stay as history; only current ones reach the prompt.
 */
export interface ProfileFact {
  id: string;
  category: ProfileCategory;
  text: string;
  /** Message ids the fact was learnt from (links into the timeline). */
  sources: string[];
  learntAt: string;
  /** Who wrote it: the extractor, an admin edit or an import. */
  by: "model" | "admin" | "import";
  supersededAt?: string;
  /** The fact that replaced it; absent when it was deleted. */
  supersededBy?: string;
  deleted?: boolean;
}

export interface UserProfile {
  facts: ProfileFact[];
  /** Newest message id the extractor has read. */
  upTo?: string;
  /** User turns since the last extraction. */
  turnsSince: number;
}

/** A fact to add; `replaces` names a current fact it contradicts. */
export interface NewProfileFact {
  category: ProfileCategory;
  text: string;
  sources: string[];
  replaces?: string;
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
  /** Voice message / photo origin, kept in history and with the long-term memory. */
  media?: MessageMedia;
  /** Token usage to add to the user's counters (assistant replies). */
  usage?: { promptTokens: number; completionTokens: number };
  /** Extra metadata kept with the long-term memory (e.g. LoCoMo dia_id). */
  meta?: Record<string, string>;
  /** Override the timestamp (imports, evaluations). */
  at?: Date;
  /**
   * Idempotency key (the bot passes `tg:<chatId>:<updateId>:<role>`): a second append with the
   * same key — retry, redo after a crash, resend — stores nothing and returns the FIRST
   * message with `duplicate: true`. Checked inside the same script as the write; kept 7 days.
   */
  key?: string;
  /**
   * Neighbouring conversation text — the previous message of the conversation, see
   * contextFor() in lib/memory/contextual.ts: mixed into the vector only; the stored content is
   * unchanged. memory:reindex derives the same neighbour from the stored order (0 bytes stored).
   */
  context?: string;
}

/** What appendMessage returns: the stored message, or the first one when the key was seen before. */
export type AppendResult = HistoryMessage & {
  /** True when the idempotency key was already used: nothing was stored, id/ts are the first message's. */
  duplicate?: true;
};

/** Redis-down journal state (health page, stats). */
export interface JournalState {
  pending: number;
  degraded: boolean;
  /** Why the last replay attempt stopped (it keeps being retried with capped backoff). */
  lastError?: string;
  /** Entries moved aside because they could not be read or built (logged, kept in `<JOURNAL_FILE>.dead`). */
  deadLetters?: number;
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
  /** Absent in exports made before profiles existed. */
  profile?: { facts: ProfileFact[]; upTo?: string };
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
  journal: JournalState;
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
  appendMessage(input: AppendInput): Promise<AppendResult>;
  /** Newest `limit` messages, oldest first. `before` pages back from a message id. One round trip. */
  getHistory(userId: number, limit?: number, opts?: { before?: string }): Promise<HistoryMessage[]>;
  recall(query: RecallQuery): Promise<RecallResult>;
  /** Long-term memories of a user, newest first (dashboard). */
  listMemories(
    userId: number,
    opts?: { offset?: number; limit?: number },
  ): Promise<{ items: MemoryHit[]; total: number }>;

  getSettings(userId: number): Promise<UserSettings>;
  updateSettings(
    userId: number,
    patch: Partial<Pick<UserSettings, "model" | "personal" | "language" | "summary" | "summaryUpTo">>,
  ): Promise<void>;
  listUsers(opts?: {
    offset?: number;
    limit?: number;
    query?: string;
    sort?: "lastActive" | "messages" | "userId";
    order?: "asc" | "desc";
  }): Promise<{ users: UserSummary[]; total: number }>;

  /** New conversation: short-term history only; long-term memory and settings stay. */
  clear(userId: number): Promise<void>;
  /** Deletes every key and index entry of the user. */
  forget(userId: number): Promise<void>;
  exportUser(userId: number, opts?: { vectors?: boolean }): Promise<UserExport>;
  /** Refuses (conflict:memory) when the user has data, unless `replace` (which forgets the user first). */
  importUser(data: UserExport, opts?: { replace?: boolean }): Promise<void>;

  /** The user's profile: every fact, current and superseded, oldest first. */
  getProfile(userId: number): Promise<UserProfile>;
  /** Adds extracted facts (superseding contradicted/single-valued ones) and moves the extraction cursor. */
  addProfileFacts(
    userId: number,
    facts: NewProfileFact[],
    opts?: { upTo?: string; by?: ProfileFact["by"] },
  ): Promise<ProfileFact[]>;
  /** Marks one current fact (or all) as deleted; they stay visible as history. Returns how many. */
  deleteProfileFacts(userId: number, factId: string | "all"): Promise<number>;
  /** Replaces a current fact's text (the old version stays as history). */
  editProfileFact(userId: number, factId: string, text: string): Promise<ProfileFact>;
  /** Counts one user turn toward the next extraction; returns turns since the last one. */
  countProfileTurn(userId: number): Promise<number>;

  stats(): Promise<MemoryStats>;
  /** Redis-down journal state (health page). */
  journalState(): JournalState;
  /** Memory budget: used / budget / maxmemory, projection, what was trimmed (dashboard; lib/memory/budget). */
  budgetReport?(): Promise<BudgetReport>;
}
