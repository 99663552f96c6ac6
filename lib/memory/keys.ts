/**
 * Every Redis key the memory layer writes, in one place (documented in lib/memory/README.md).
 * User ids are Telegram ids (safe integers); anything else is rejected before a key is built.
 */
export interface MemoryKeys {
  prefix: string;
  /** LIST of JSON HistoryMessage, newest at the head, capped at HISTORY_MAX. */
  history(userId: number): string;
  /** HASH of UserSettings fields and counters. */
  settings(userId: number): string;
  /** ZSET userId → last activity (ms). */
  users(): string;
  /** STRING "1" with EX 86400 per processed Telegram update. */
  update(updateId: number): string;
  /** Engine-owned keys live under this namespace. */
  memoryNamespace(): string;
  /** Per-user key of an engine (scan vectors, vector set, lexical postings…). */
  memoryUser(userId: number, kind: string): string;
  /** Engine-wide key (index metadata…). */
  memoryGlobal(kind: string): string;
  /** Appended-id set used to replay the Redis-down journal idempotently. */
  applied(id: string): string;
  /** HASH of the user's profile: `f:<factId>` → JSON ProfileFact, `_upTo` / `_turns` extraction progress. */
  profile(userId: number): string;
  /** memory:reindex progress: "state" HASH and "queue" LIST of records still to re-embed (outside m:, which dropAll clears). */
  reindex(kind: "state" | "queue"): string;
  /** Memory budget: "state" HASH, "trimmed" HASH user → memories trimmed, "samples" LIST of used memory. */
  budget(kind: "state" | "trimmed" | "samples"): string;
}

export function memoryKeys(prefix: string): MemoryKeys {
  return {
    prefix,
    history: (u) => `${prefix}h:${u}`,
    settings: (u) => `${prefix}u:${u}`,
    users: () => `${prefix}users`,
    profile: (u) => `${prefix}p:${u}`,
    update: (id) => `${prefix}upd:${id}`,
    memoryNamespace: () => `${prefix}m:`,
    memoryUser: (u, kind) => `${prefix}m:${kind}:${u}`,
    memoryGlobal: (kind) => `${prefix}m:_${kind}`,
    applied: (id) => `${prefix}applied:${id}`,
    reindex: (kind) => `${prefix}reindex:${kind}`,
    budget: (kind) => `${prefix}budget:${kind}`,
  };
}
