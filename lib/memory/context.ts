import type { Redis } from "ioredis";
import type { EmbeddingProvider } from "../embeddings";
import type { BudgetOptions } from "./budget";
import type { VectorEngineName } from "../redis/probe";
import type { EngineContext, VectorEngine, VectorEncoding } from "./engines/types";
import type { Journal } from "./journal";
import type { MemoryKeys } from "./keys";

export type MemoryOp = "append" | "history" | "recall" | "embed" | "forget" | "export";

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
  observe(op: MemoryOp, started: number): void;
}

/** Seconds the `applied:<id>` replay guard lives (7 days: longer than any sane outage). */
export const APPLIED_TTL_SECONDS = 604800;
/** Telegram retries an update for at most a day. */
export const UPDATE_DEDUP_SECONDS = 86400;
