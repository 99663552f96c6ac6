import type { Redis } from "ioredis";
import { logger } from "../log";
import type { MemoryContext } from "./context";
import type { PendingWrite } from "./journal";
import { firstExecError, isUnavailable } from "./redis-errors";
import { queueWrite } from "./writes";

const log = logger("memory.journal");
const BATCH = 50;

/**
 * Applies the journal to Redis in order, idempotently. Per batch, on a connection of its own
 * (WATCH state is per connection, so no other caller's EXEC can clear it):
 *   1. WATCH applied:<id>… + EXISTS applied:<id>… (one round trip)
 *   2. MULTI [the writes of the entries not applied yet, each starting with SET applied:<id> NX] EXEC
 *   3. EXEC answered nil (a guard appeared meanwhile) → check again; otherwise ack the batch.
 * A replay stopped anywhere (crash, Redis gone again) and run again therefore never writes a
 * message twice: whatever reached Redis carries its guard. A live write whose reply was lost
 * (timeout) also set the guard, so its journaled copy is skipped.
 * Returns true when the journal is empty.
 */
export async function replayJournal(ctx: MemoryContext): Promise<boolean> {
  const { journal } = ctx;
  if (journal.pending === 0) return true;
  const conn = ctx.redis.duplicate({ lazyConnect: true, connectionName: "mindmate-replay", retryStrategy: () => null });
  conn.on("error", () => undefined); // failures surface through the commands below
  let applied = 0;
  let skipped = 0;
  let batchSize = BATCH;
  try {
    await conn.connect();
    while (journal.pending > 0) {
      const batch = journal.peek(batchSize);
      try {
        const result = await applyBatch(conn, ctx, batch);
        if (result === "retry") continue;
        applied += result.applied;
        skipped += result.skipped;
        journal.ack(batch.map((e) => e.id));
        batchSize = BATCH;
      } catch (e) {
        if (isUnavailable(e)) throw e;
        if (batchSize > 1) {
          batchSize = 1; // find the one entry Redis refuses
          continue;
        }
        // Redis refuses this write itself (not a connection problem): retrying cannot help.
        log.error("a journaled write was refused by Redis and is dropped", { error: e, entry: { ...batch[0], vector: undefined } });
        journal.ack(batch.map((w) => w.id));
        batchSize = BATCH;
      }
    }
    return true;
  } catch (e) {
    log.warn(`journal replay stopped, ${journal.pending} write(s) still pending; retrying on reconnect`, { error: e });
    return false;
  } finally {
    if (applied + skipped > 0) log.info(`journal replay: ${applied} applied, ${skipped} already in Redis, ${journal.pending} pending`);
    conn.disconnect();
  }
}

async function applyBatch(conn: Redis, ctx: MemoryContext, batch: PendingWrite[]): Promise<"retry" | { applied: number; skipped: number }> {
  const guarded = batch.filter((e) => e.kind === "append");
  const done = new Set<string>();
  if (guarded.length > 0) {
    const guards = guarded.map((e) => ctx.keys.applied(e.id));
    const check = conn.pipeline().watch(...guards);
    for (const g of guards) check.exists(g);
    const res = await check.exec();
    const err = firstExecError(res);
    if (err) throw err;
    guarded.forEach((e, i) => {
      if (res![i + 1]![1] === 1) done.add(e.id);
    });
  }
  const todo = batch.filter((e) => !done.has(e.id));
  if (todo.length === 0) {
    if (guarded.length > 0) await conn.unwatch();
    return { applied: 0, skipped: done.size };
  }
  const m = conn.multi();
  for (const e of todo) queueWrite(m, ctx, e);
  const res = await m.exec();
  if (res === null) return "retry"; // a watched guard changed: look again
  const err = firstExecError(res);
  if (err) log.error("a journaled write partly failed inside MULTI", { error: err });
  return { applied: todo.length, skipped: done.size };
}
