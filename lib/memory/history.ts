import { logger } from "../log";
import type { MemoryContext } from "./context";
import { assertUserId, idTime } from "./ids";
import { isUnavailable, redisError } from "./redis-errors";
import type { HistoryMessage } from "./types";

const log = logger("memory");

/**
 * History entries, compact (version 2, written): `\x02` role flags id `\x1f` [ts `\x1f`]
 * [tgMessageId `\x1f`] content. role = u|a|s; flags = "0".."7" (1 truncated, 2 has a Telegram
 * id, 4 explicit ts). The ts is left out when it is the id's own millisecond (every message the
 * app makes), so an entry costs 24 bytes + the content instead of ≈ 80 bytes of JSON. Content is
 * last and unescaped. Version 1 (JSON `HistoryMessage`, starts with `{`) is still read.
 */
const V2 = "\x02";
const SEP = "\x1f";
const ROLE_CHAR = { user: "u", assistant: "a", system: "s" } as const;
const CHAR_ROLE: Record<string, HistoryMessage["role"]> = { u: "user", a: "assistant", s: "system" };

export function encodeHistoryEntry(m: HistoryMessage): string {
  // Voice / photo entries (rare) keep their media as JSON rather than growing the compact format.
  if (m.media || m.id.includes(SEP) || !(m.role in ROLE_CHAR)) return JSON.stringify(m);
  const implied = Number.isFinite(idTime(m.id)) && new Date(idTime(m.id)).toISOString() === m.ts;
  const tg = m.tgMessageId !== undefined;
  const flags = (m.truncated ? 1 : 0) | (tg ? 2 : 0) | (implied ? 0 : 4);
  return (
    V2 +
    ROLE_CHAR[m.role] +
    String(flags) +
    m.id +
    SEP +
    (implied ? "" : m.ts + SEP) +
    (tg ? String(m.tgMessageId) + SEP : "") +
    m.content
  );
}

function parseV2(raw: string): HistoryMessage | undefined {
  const role = CHAR_ROLE[raw[1] ?? ""];
  const flags = Number(raw[2]);
  if (!role || !(flags >= 0 && flags <= 7)) return undefined;
  let at = raw.indexOf(SEP, 3);
  if (at < 0) return undefined;
  const id = raw.slice(3, at);
  let ts: string;
  if (flags & 4) {
    const end = raw.indexOf(SEP, at + 1);
    if (end < 0) return undefined;
    ts = raw.slice(at + 1, end);
    at = end;
  } else {
    const ms = idTime(id);
    if (!Number.isFinite(ms)) return undefined;
    ts = new Date(ms).toISOString();
  }
  const m: HistoryMessage = { id, role, content: "", ts };
  if (flags & 2) {
    const end = raw.indexOf(SEP, at + 1);
    if (end < 0) return undefined;
    m.tgMessageId = Number(raw.slice(at + 1, end));
    at = end;
  }
  m.content = raw.slice(at + 1);
  if (flags & 1) m.truncated = true;
  return m;
}

export function parseHistoryEntry(raw: string): HistoryMessage | undefined {
  if (raw.startsWith(V2)) return parseV2(raw);
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
export async function getHistory(
  ctx: MemoryContext,
  userId: number,
  limit = 50,
  opts: { before?: string } = {},
): Promise<HistoryMessage[]> {
  assertUserId(userId);
  const n = Math.max(1, Math.min(Math.floor(Number.isFinite(limit) ? limit : 50), ctx.opts.historyMax));
  const pending = ctx.journal.appendsFor(userId).map((e) => e.message);
  let stored: HistoryMessage[];
  try {
    // Journaled messages are newer than anything stored, so read enough to fill `n` with both.
    const stop = opts.before ? -1 : n - 1;
    const raw = await ctx.redis.lrange(ctx.keys.history(userId), 0, stop);
    stored = raw
      .map(parseHistoryEntry)
      .filter((m): m is HistoryMessage => m !== undefined)
      .reverse();
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
