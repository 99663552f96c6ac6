import type { ChainableCommander } from "ioredis";
import { APPLIED_TTL_SECONDS, type MemoryContext } from "./context";
import { encodeHistoryEntry } from "./history";
import type { PendingAppend, PendingSettings, PendingWrite } from "./journal";

/**
 * The commands of one appendMessage, queued into the caller's MULTI: the replay guard, the
 * history entry (LPUSH + LTRIM + EXPIRE), settings counters and profile, the users index and,
 * when there is a vector, the long-term memory record (the engine queues its own commands).
 * The same function serves the live path and journal replay, so both write exactly the same.
 */
export function queueAppend(p: ChainableCommander, ctx: MemoryContext, a: PendingAppend): void {
  const { keys, ttlSeconds } = ctx;
  const history = keys.history(a.userId);
  const settings = keys.settings(a.userId);
  p.set(keys.applied(a.id), "1", "EX", APPLIED_TTL_SECONDS, "NX");
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
}

export function queueSettings(p: ChainableCommander, ctx: MemoryContext, s: PendingSettings): void {
  const key = ctx.keys.settings(s.userId);
  p.hset(key, s.patch);
  p.expire(key, ctx.ttlSeconds);
}

export function queueWrite(p: ChainableCommander, ctx: MemoryContext, w: PendingWrite): void {
  if (w.kind === "append") queueAppend(p, ctx, w);
  else queueSettings(p, ctx, w);
}
