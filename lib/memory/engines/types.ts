import type { ChainableCommander, Redis } from "ioredis";
import type { VectorEngineName } from "./choose";
import type { MemoryKeys } from "../../redis/keys";
import type { Role } from "../types";

/** One long-term memory as engines store it. */
export interface MemoryRecord {
  id: string;
  userId: number;
  role: Role;
  content: string;
  /** Milliseconds since epoch. */
  ts: number;
  meta?: Record<string, string>;
}

export type VectorEncoding = "float32" | "float16" | "int8";

export interface EngineContext {
  redis: Redis;
  keys: MemoryKeys;
  dims: number;
  /** Embedder id stored with the index; a mismatch is an error, never silently reused. */
  embedderId: string;
  encoding: VectorEncoding;
  algorithm: "HNSW" | "FLAT";
  /** Long-term TTL in seconds, 0 = no expiry. */
  ttlSeconds: number;
  /** Byte cap of the in-process recall cache (scan, vector-set lexical); 0 = off; default RECALL_CACHE_MB_DEFAULT. */
  recallCacheBytes?: number;
}

export interface EngineQuery {
  /** Omit to search across all users. */
  userId?: number;
  k: number;
  excludeIds?: Set<string>;
}

export interface EngineHit {
  record: MemoryRecord;
  /** Dense: cosine similarity (−1..1). Lexical: BM25 score (≥ 0). */
  score: number;
}

/**
 * A vector engine. Same contract, same results (up to ANN approximation) on every server.
 * `write` only queues commands into the caller's pipeline so appendMessage stays one round trip.
 */
export interface VectorEngine {
  readonly name: VectorEngineName;
  /** Creates the index if missing; throws AppError("config:vector") on dims/model/encoding mismatch. */
  ensureIndex(): Promise<void>;
  write(p: ChainableCommander, rec: MemoryRecord, vector: Float32Array): void;
  denseSearch(vector: Float32Array, q: EngineQuery): Promise<EngineHit[]>;
  lexicalSearch(text: string, q: EngineQuery): Promise<EngineHit[]>;
  /** Newest first. */
  list(
    userId: number,
    opts: { offset: number; limit: number; withVectors?: boolean },
  ): Promise<{ records: (MemoryRecord & { vector?: Float32Array })[]; total: number }>;
  count(userId?: number): Promise<number>;
  /**
   * Ids of the user's `n` oldest memories, oldest first (the budget trim). Reads ids and
   * timestamps in small replies: a whole listing near maxmemory would itself need megabytes of
   * output buffer, which Redis counts as used memory.
   */
  oldestIds(userId: number, n: number): Promise<string[]>;
  deleteUser(userId: number): Promise<void>;
  /** Deletes these memories of one user (the budget trim); returns how many existed. */
  deleteMemories(userId: number, ids: string[]): Promise<number>;
  /** FT.INFO / VINFO / scan stats for the dashboard. */
  info(): Promise<Record<string, unknown>>;
  /** Removes the index and every memory (memory:reindex rebuilds it). */
  dropAll(): Promise<void>;
}
