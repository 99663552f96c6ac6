import { logger } from "../log";
import type { MemoryContext } from "./context";
import { assertUserId } from "./ids";
import { isUnavailable, redisError } from "./redis-errors";
import type { HistoryMessage } from "./types";

const log = logger("memory");

export function parseHistoryEntry(raw: string): HistoryMessage | undefined {
  try {
    const m = JSON.parse(raw) as HistoryMessage;
    return typeof m.id === "string" && typeof m.content === "string" ? m : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Newest `limit` messages (older than `before` when given), oldest first. One LRANGE: without
 * `before` only the newest `limit` entries are read; with it the whole list (at most
 * HISTORY_MAX entries) is read and cut here. Writes still waiting in the journal are merged in
 * (deduplicated by id), and when Redis is unreachable those alone are served.
 */
export async function getHistory(ctx: MemoryContext, userId: number, limit = 50, opts: { before?: string } = {}): Promise<HistoryMessage[]> {
  assertUserId(userId);
  const n = Math.max(1, Math.min(Math.floor(Number.isFinite(limit) ? limit : 50), ctx.opts.historyMax));
  const pending = ctx.journal.appendsFor(userId).map((e) => e.message);
  let stored: HistoryMessage[];
  try {
    // Journaled messages are newer than anything stored, so read enough to fill `n` with both.
    const stop = opts.before ? -1 : n - 1;
    const raw = await ctx.redis.lrange(ctx.keys.history(userId), 0, stop);
    stored = raw.map(parseHistoryEntry).filter((m): m is HistoryMessage => m !== undefined).reverse();
  } catch (e) {
    if (!(isUnavailable(e) && pending.length > 0)) throw redisError(e, "read the history");
    log.warn("Redis unreachable: serving history from the journal only", { userId, pending: pending.length });
    stored = [];
  }
  // Nothing twice: a repeated id (which the guarded write makes impossible, but lists written
  // by older versions may hold) keeps its oldest entry; journaled copies of stored ones are dropped.
  const seen = new Set<string>();
  let all = stored.concat(pending).filter((m) => !seen.has(m.id) && (seen.add(m.id), true));
  if (opts.before) {
    const at = all.findIndex((m) => m.id === opts.before);
    all = at >= 0 ? all.slice(0, at) : all.filter((m) => m.id < opts.before!);
  }
  return all.slice(-n);
}
