import { createHash } from "node:crypto";
import { APPLIED_TTL_SECONDS, type MemoryContext } from "./context";
import { commandRecorder, type GuardedWrite, type RecordedCommand, type RecordGuard } from "./guarded-write";
import { encodeHistoryEntry } from "./history";
import type { PendingAppend, PendingSettings, PendingWrite } from "./journal";

/**
 * The key guard of an append: derived from the caller's idempotency key when there is one (the
 * bot passes `tg:<chat>:<update>:<role>`; hashed, so no user id appears in a key name), else from
 * the message id — used only by an unkeyed append without a long-term memory (the others are
 * guarded by their record, recordGuard below), and as the name of the trim's tombstone.
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
 * The record guard of an unkeyed append with a long-term memory: the engine's first HSET (scan
 * `m:s:<user>` field <id>, vector sets `m:c:<user>` field <id>, RediSearch `m:d:<user>:<id>`
 * field `id`) becomes the script's first command as HSETNX, so the record itself says whether
 * the write was applied and no `applied:<id>` key is kept. A single-field HSET is replaced by the
 * HSETNX; a multi-field one (RediSearch) stays after it. Undefined (→ the `applied:<id>` key
 * guard) when the engine wrote no HSET of a field or key named by the message id.
 */
export function recordGuard(
  ctx: MemoryContext,
  a: Pick<PendingAppend, "id" | "message">,
  engineCommands: RecordedCommand[],
): { guard: RecordGuard; replaces?: RecordedCommand } | undefined {
  const hset = engineCommands.find((c) => c.name === "HSET" && c.args.length >= 3 && c.args.length % 2 === 1);
  if (!hset) return undefined;
  const [hash, field, value] = hset.args as [string | Buffer, string | Buffer, string | Buffer];
  // Only a place that belongs to this one message can say "this write was applied": its id is
  // the field (scan, vector sets) or ends the key (RediSearch). Anything else: the key guard.
  if (field.toString() !== a.id && !hash.toString().endsWith(`:${a.id}`)) return undefined;
  const guard: RecordGuard = {
    hash: hash.toString(),
    field,
    value,
    tombstone: ctx.keys.applied(a.id),
    reply: `${a.id} ${a.message.ts}`,
  };
  return { guard, ...(hset.args.length === 3 ? { replaces: hset } : {}) };
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
    const from = commands.length;
    ctx.engine.write(
      p,
      {
        id: a.id,
        userId: a.userId,
        role: a.message.role,
        content: a.message.content,
        ts: Date.parse(a.message.ts),
        meta: a.meta,
      },
      a.vector,
    );
    const rg = a.key === undefined ? recordGuard(ctx, a, commands.slice(from)) : undefined;
    if (rg) return { guard: rg.guard, commands: rg.replaces ? commands.filter((c) => c !== rg.replaces) : commands };
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
