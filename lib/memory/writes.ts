import { createHash } from "node:crypto";
import { APPLIED_TTL_SECONDS, type MemoryContext } from "./context";
import { commandRecorder, type GuardedWrite } from "./guarded-write";
import { encodeHistoryEntry } from "./history";
import type { PendingAppend, PendingSettings, PendingWrite } from "./journal";

/**
 * The guard of an append: derived from the caller's idempotency key when there is one (the bot
 * passes `tg:<chat>:<update>:<role>`; hashed, so no user id appears in a key name), else from the
 * message id (journal replay of the same prepared write).
 */
export function guardKey(ctx: MemoryContext, a: Pick<PendingAppend, "id" | "key">): string {
  if (a.key === undefined) return ctx.keys.applied(a.id);
  return ctx.keys.applied(`k:${createHash("sha256").update(a.key).digest("hex").slice(0, 32)}`);
}

/** What the guard stores: the first message's id and ts, so a duplicate can return them. */
export function guardValue(a: PendingAppend): string {
  return `${a.id} ${a.message.ts}`;
}

export function parseGuardValue(v: string): { id: string; ts?: string } | undefined {
  const [id, ts] = v.split(" ");
  return id && id !== "1" ? { id, ts } : undefined; // "1" = a guard written before ids were stored
}

/**
 * Every write of one appendMessage, as one guarded write: the history entry (LPUSH + LTRIM +
 * EXPIRE), settings counters and profile, the users index and, when there is a vector, the
 * engine's commands for the long-term memory (the engine writes into a command recorder).
 * The same function serves the live path and journal replay, so both write exactly the same.
 */
export function appendWrite(ctx: MemoryContext, a: PendingAppend): GuardedWrite {
  const { keys, ttlSeconds } = ctx;
  const { p, commands } = commandRecorder();
  const history = keys.history(a.userId);
  const settings = keys.settings(a.userId);
  p.lpush(history, encodeHistoryEntry(a.message));
  p.ltrim(history, 0, ctx.opts.historyMax - 1);
  p.expire(history, ttlSeconds);

  p.hsetnx(settings, "createdAt", a.message.ts);
  const fields: Record<string, string> = { lastSeenAt: a.message.ts };
  for (const [k, v] of Object.entries(a.profile ?? {})) if (v !== undefined && v !== "") fields[k] = v;
  p.hset(settings, fields);
  p.hincrby(settings, "messages", 1);
  if (a.usage) {
    p.hincrby(settings, "promptTokens", a.usage.promptTokens);
    p.hincrby(settings, "completionTokens", a.usage.completionTokens);
  }
  p.expire(settings, ttlSeconds);

  p.zadd(keys.users(), a.activityMs, String(a.userId));
  if (ctx.usersRetentionMs > 0) p.zremrangebyscore(keys.users(), "-inf", `(${a.activityMs - ctx.usersRetentionMs}`);

  if (a.vector) {
    ctx.engine.write(
      p,
      { id: a.id, userId: a.userId, role: a.message.role, content: a.message.content, ts: Date.parse(a.message.ts), meta: a.meta },
      a.vector,
    );
  }
  return { guard: { key: guardKey(ctx, a), value: guardValue(a), ttlSeconds: APPLIED_TTL_SECONDS }, commands };
}

/** updateSettings: HSET + EXPIRE, unguarded (applying it twice in order changes nothing). */
export function settingsWrite(ctx: MemoryContext, s: PendingSettings): GuardedWrite {
  const key = ctx.keys.settings(s.userId);
  const { p, commands } = commandRecorder();
  p.hset(key, s.patch);
  p.expire(key, ctx.ttlSeconds);
  return { commands };
}

export function writeOf(ctx: MemoryContext, w: PendingWrite): GuardedWrite {
  return w.kind === "append" ? appendWrite(ctx, w) : settingsWrite(ctx, w);
}
