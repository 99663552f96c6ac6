import { logger } from "../log";
import type { MemoryContext } from "./context";
import { runWrites, type GuardedWrite } from "./guarded-write";
import type { PendingWrite } from "./journal";
import { isUnavailable } from "./redis-errors";
import { writeOf } from "./writes";

const log = logger("memory.journal");
const BATCH = 50;

export interface ReplayResult {
  /** True when the journal is empty. */
  empty: boolean;
  /** Why it stopped (the entry at the head stays and is retried with backoff). */
  error?: string;
}

/**
 * Applies the journal to Redis in order, idempotently, on a connection of its own: per batch of
 * up to 50 entries ONE call of the guarded-write script (guarded-write.ts) — the very writes the
 * live path sends, each entry behind its guard, so whatever already reached Redis (a live write
 * whose reply was lost, a replay interrupted half-way, a resent command) is skipped atomically.
 *
 * Nothing is dropped silently:
 *   - Redis not taking writes (unreachable, OOM, READONLY, LOADING, MISCONF…) → stop; the entries
 *     stay and the caller retries with capped backoff;
 *   - Redis refusing the script for another reason → the batch is retried one entry at a time;
 *     the refused entry stays at the head, the error is kept for the health page, retried with
 *     backoff (order matters more than throughput);
 *   - an entry the commands cannot even be built from (malformed) → dead-letter list, loudly.
 * Live writes that started before the replay are waited for first: if such a write fails it is
 * journaled in front of what came after it (Journal.reserve), never behind it.
 */
export async function replayJournal(ctx: MemoryContext): Promise<ReplayResult> {
  const { journal } = ctx;
  if (journal.pending === 0) return { empty: true };
  await Promise.allSettled([...ctx.inflight]);
  const conn = ctx.redis.duplicate({ lazyConnect: true, connectionName: "mindmate-replay", retryStrategy: () => null });
  conn.on("error", () => undefined); // failures surface through the commands below
  let applied = 0;
  let skipped = 0;
  let batchSize = BATCH;
  try {
    await conn.connect();
    while (journal.pending > 0) {
      const batch = build(ctx, journal.peek(batchSize));
      if (batch.length === 0) continue; // all moved to dead letters
      try {
        const outcomes = await runWrites(
          conn,
          batch.map((b) => b.write),
        );
        outcomes.forEach((o, i) => {
          if (o.status === "skipped") skipped += 1;
          else applied += 1;
          if (o.status === "partial")
            log.error("a journaled write was applied, but Redis refused part of it", {
              id: batch[i]!.entry.id,
              error: o.error,
            });
        });
        journal.ack(batch.map((b) => b.entry.id));
        batchSize = BATCH;
      } catch (e) {
        if (isUnavailable(e) || batchSize === 1) throw e;
        batchSize = 1; // find the one entry Redis refuses; everything before it gets applied
      }
    }
    journal.lastError = undefined;
    return { empty: true };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    journal.lastError = error;
    log.warn(`journal replay stopped, ${journal.pending} write(s) still pending; retrying with backoff`, { error: e });
    return { empty: false, error };
  } finally {
    if (applied + skipped > 0)
      log.info(`journal replay: ${applied} applied, ${skipped} already in Redis, ${journal.pending} pending`);
    conn.disconnect();
  }
}

/** The batch's writes; an entry they cannot be built from is malformed and goes to the dead letters. */
function build(ctx: MemoryContext, entries: PendingWrite[]): { entry: PendingWrite; write: GuardedWrite }[] {
  const out: { entry: PendingWrite; write: GuardedWrite }[] = [];
  for (const entry of entries) {
    try {
      out.push({ entry, write: writeOf(ctx, entry) });
    } catch (e) {
      ctx.journal.deadLetter({ ...entry, vector: undefined }, `cannot build its writes: ${(e as Error).message}`);
      break; // keep order: the next batch starts after it
    }
  }
  return out;
}
