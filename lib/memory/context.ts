import type { Redis } from "ioredis";
import type { EmbeddingProvider } from "../embeddings";
import type { BudgetOptions } from "./budget";
import type { VectorEngineName } from "./engines/choose";
import type { EngineContext, VectorEngine, VectorEncoding } from "./engines/types";
import type { Journal } from "./journal";
import type { MemoryKeys } from "../redis/keys";

export type MemoryOp = "append" | "history" | "recall" | "embed";

export interface CreateMemoryOptions {
  redis: Redis;
  prefix: string;
  engine: VectorEngineName;
  embedder: EmbeddingProvider;
  historyMax: number;
  ttlDays: number;
  /** 0 = long-term memories never expire. */
  longTermTtlDays: number;
  maxMessageChars: number;
  /** Unset = the engine's compact default (engines/encoding.ts), or what an existing index was built with. */
  encoding?: VectorEncoding;
  algorithm: "HNSW" | "FLAT";
  journal?: { file?: string; max: number };
  /** In-process recall cache cap (scan, vector-set lexical); 0 = off; default RECALL_CACHE_MB_DEFAULT. */
  recallCacheMb?: number;
  /** The memory budget (lib/memory/budget); omitted = no checks, no trimming. */
  budget?: BudgetOptions;
  metrics?: { observe(op: MemoryOp, ms: number): void };
}

/** What the facade's parts share (internal to lib/memory). */
export interface MemoryContext {
  opts: CreateMemoryOptions;
  redis: Redis;
  keys: MemoryKeys;
  engine: VectorEngine;
  /** The engine's context; `encoding` is settled by init (an existing index keeps its own). */
  engineContext: EngineContext;
  embedder: EmbeddingProvider;
  journal: Journal;
  /** History and settings TTL, seconds. */
  ttlSeconds: number;
  /** Users-index entries older than this (ms) are pruned; 0 = never (long-term memory never expires). */
  usersRetentionMs: number;
  /** Live writes on their way to Redis; a replay waits for them so order is kept. */
  inflight: Set<Promise<unknown>>;
  observe(op: MemoryOp, started: number): void;
}

/**
 * Seconds an append's guard (`applied:<id>` / `applied:k:<hash of the idempotency key>`) lives:
 * 7 days — far beyond Telegram's retry window (it gives up on an update after ~24 h) and any
 * sane outage a journal replay comes back from. A replay or retry later than that would store again.
 */
export const APPLIED_TTL_SECONDS = 604800;
