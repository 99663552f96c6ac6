import { logger } from "../log";
import type { CreateMemoryOptions, MemoryContext } from "./context";
import { createBudget, estimatedWriteBytes, type BudgetSnapshot } from "./budget";
import { createEngine, type EngineContext } from "./engines";
import { adoptStoredEncoding, defaultEncoding } from "./engines/encoding";
import { getHistory } from "./history";
import { assertUserId } from "./ids";
import { Journal } from "./journal";
import { memoryKeys } from "../redis/keys";
import { clearUser } from "./ops/clear";
import { exportUser } from "./ops/export";
import { forgetUser } from "./ops/forget";
import { importUser } from "./ops/import";
import { addProfileFacts, countProfileTurn, deleteProfileFacts, editProfileFact, getProfile } from "./profile";
import { recall } from "./recall";
import { withRedis } from "./redis-errors";
import { replayJournal } from "./replay";
import { getSettings, updateSettings } from "./settings";
import { appendMessage, listMemories, stats } from "./store";
import type { JournalState, Memory } from "./types";
import { listUsers } from "./users";

export type { CreateMemoryOptions, MemoryOp } from "./context";
export type * from "./types";

const log = logger("memory");
const DAY_MS = 86_400_000;
/** While writes wait in the journal, replay is retried with backoff from this… */
const REPLAY_RETRY_MS = 500;
/** …doubling up to this (a refused entry is retried forever, never dropped). */
const REPLAY_RETRY_MAX_MS = 30_000;

/** The shared parts without the facade (scripts such as memory:reindex use them directly). */
export function createMemoryContext(opts: CreateMemoryOptions): MemoryContext {
  const keys = memoryKeys(opts.prefix);
  const engineContext: EngineContext = {
    redis: opts.redis,
    keys,
    dims: opts.embedder.dims,
    embedderId: opts.embedder.id,
    encoding: opts.encoding ?? defaultEncoding(opts.engine),
    algorithm: opts.algorithm,
    ttlSeconds: opts.longTermTtlDays * 86400,
    recallCacheBytes: opts.recallCacheMb === undefined ? undefined : opts.recallCacheMb * 1024 * 1024,
  };
  const engine = createEngine(opts.engine, engineContext);
  return {
    opts,
    redis: opts.redis,
    keys,
    engine,
    engineContext,
    embedder: opts.embedder,
    journal: new Journal(opts.journal?.max ?? 10_000, opts.journal?.file),
    ttlSeconds: opts.ttlDays * 86400,
    // A user stays listed while any of their data can still exist.
    usersRetentionMs: opts.longTermTtlDays === 0 ? 0 : Math.max(opts.ttlDays, opts.longTermTtlDays) * DAY_MS,
    inflight: new Set(),
    observe(op, started) {
      opts.metrics?.observe(op, performance.now() - started);
    },
  };
}

/**
 * The memory facade (contract and docs: types.ts, README.md). Writes that cannot reach Redis
 * go to the journal and are replayed, in order and idempotently, when the client is ready again.
 */
export function createMemory(opts: CreateMemoryOptions): Memory & {
  importUser(data: unknown, o?: { replace?: boolean }): Promise<void>;
  budgetSnapshot(): BudgetSnapshot | undefined;
  budgetCheck(): Promise<BudgetSnapshot> | undefined;
  close(): void;
} {
  const ctx = createMemoryContext(opts);
  let degraded = ctx.journal.pending > 0;
  let replaying: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  function scheduleReplay(delayMs = 0): void {
    if (retryTimer || ctx.journal.pending === 0) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void replay();
    }, delayMs);
    retryTimer.unref();
  }

  let failures = 0;
  function replay(): Promise<void> {
    replaying ??= replayJournal(ctx)
      .then(({ empty }) => {
        failures = empty ? 0 : failures + 1;
        if (empty && ctx.journal.pending === 0) {
          if (degraded) log.info("journal drained: memory back to normal");
          degraded = false;
        }
      })
      .finally(() => {
        replaying = undefined;
        if (ctx.journal.pending > 0) scheduleReplay(Math.min(REPLAY_RETRY_MS * 2 ** failures, REPLAY_RETRY_MAX_MS));
      });
    return replaying;
  }

  function journalState(): JournalState {
    const j = ctx.journal;
    return {
      degraded: degraded || j.pending > 0,
      pending: j.pending,
      ...(j.lastError && j.pending > 0 ? { lastError: j.lastError } : {}),
      ...(j.deadLetterCount > 0 ? { deadLetters: j.deadLetterCount } : {}),
    };
  }
  const budget = opts.budget ? createBudget(ctx, opts.budget) : undefined;

  const onReady = () => void replay();
  opts.redis.on("ready", onReady);

  function journaled(): void {
    if (!degraded) log.warn("Redis unreachable: writes go to the journal until it is back");
    degraded = true;
    scheduleReplay(opts.redis.status === "ready" ? 0 : REPLAY_RETRY_MS);
  }

  const memory = {
    engine: opts.engine,
    embedderId: opts.embedder.id,
    async init() {
      await withRedis("prepare the vector index", async () => {
        if (opts.encoding === undefined) await adoptStoredEncoding(ctx.engineContext);
        await ctx.engine.ensureIndex();
      });
      if (ctx.journal.pending > 0) void replay();
    },
    appendMessage: budget
      ? async (input) => {
          const bytes = estimatedWriteBytes(input.content);
          const wait = budget.beforeWrite(bytes); // only during a sweep, once the room under the budget is used up
          if (wait) await wait;
          try {
            const m = await appendMessage(ctx, input, journaled);
            budget.afterWrite(bytes);
            return m;
          } catch (e) {
            budget.afterError(e);
            throw e;
          }
        }
      : (input) => appendMessage(ctx, input, journaled),
    getHistory: (userId, limit, o) => {
      const started = performance.now();
      return getHistory(ctx, userId, limit, o).finally(() => ctx.observe("history", started));
    },
    recall: (q) => recall(ctx, q),
    listMemories: (userId, o) => listMemories(ctx, userId, o),
    getSettings: (userId) => getSettings(ctx, userId),
    updateSettings: (userId, patch) => updateSettings(ctx, userId, patch, journaled),
    listUsers: (o) => listUsers(ctx, o),
    clear: (userId) => clearUser(ctx, userId),
    async forget(userId) {
      assertUserId(userId);
      ctx.journal.removeUser(userId);
      await replaying; // a batch in flight may hold this user's writes: let it land, then delete
      await forgetUser(ctx, userId);
    },
    exportUser: (userId, o) => exportUser(ctx, userId, o),
    async importUser(data: unknown, o?: { replace?: boolean }) {
      await importUser(ctx, data, o);
    },
    getProfile: (userId) => getProfile(ctx, userId),
    addProfileFacts: (userId, facts, o) => addProfileFacts(ctx, userId, facts, o),
    deleteProfileFacts: (userId, factId) => deleteProfileFacts(ctx, userId, factId),
    editProfileFact: (userId, factId, text) => editProfileFact(ctx, userId, factId, text),
    countProfileTurn: (userId) => countProfileTurn(ctx, userId),
    stats: () => stats(ctx, journalState()),
    journalState,
    budgetReport: budget ? () => budget.report() : undefined,
    /** The last budget check (in-process, no round trip); undefined without a budget or before the first check. */
    budgetSnapshot: () => budget?.snapshot(),
    /** Runs a budget check (and a sweep if needed) now. */
    budgetCheck: () => budget?.check(),
    /** Stops listening to the client (tests, scripts); the client itself is the caller's. */
    close() {
      opts.redis.off("ready", onReady);
      if (retryTimer) clearTimeout(retryTimer);
      ctx.journal.close();
    },
  } satisfies Memory & Record<string, unknown>;
  return memory;
}
