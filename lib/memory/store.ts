import { z } from "zod";
import { AppError } from "../errors";
import { logger } from "../log";
import type { MemoryContext } from "./context";
import { assertUserId, idTime, newMessageId } from "./ids";
import type { PendingAppend } from "./journal";
import { runWrites, type WriteOutcome } from "./guarded-write";
import { isUnavailable, redisError, withRedis } from "./redis-errors";
import { cleanText, isBlank } from "./text";
import type { AppendInput, AppendResult, HistoryMessage, MemoryHit, MemoryStats } from "./types";
import { embedMemory } from "./contextual";
import { allUsers } from "./users";
import { appendWrite, parseGuardValue } from "./writes";

const log = logger("memory");

/** The long-term memory remembers where a transcript / photo description came from. */
function withMediaMeta(
  meta: Record<string, string> | undefined,
  media: AppendInput["media"],
): Record<string, string> | undefined {
  if (!media) return meta;
  return {
    ...meta,
    kind: media.kind,
    fileId: media.fileId,
    ...(media.duration !== undefined ? { duration: String(media.duration) } : {}),
  };
}

const shortText = z.string().max(256).optional();
const appendSchema = z.object({
  userId: z.unknown(),
  role: z.enum(["user", "assistant", "system"]),
  content: z.string({ error: "content must be a string" }),
  tgMessageId: z.number().int().optional(),
  profile: z.object({ firstName: shortText, username: shortText, language: shortText }).optional(),
  usage: z.object({ promptTokens: z.number().int().min(0), completionTokens: z.number().int().min(0) }).optional(),
  meta: z.record(z.string().max(100), z.string().max(1000)).optional(),
  media: z
    .object({
      kind: z.enum(["voice", "photo"]),
      fileId: z.string().min(1).max(300),
      duration: z.number().min(0).max(86_400).optional(),
      caption: z.string().max(4096).optional(),
    })
    .optional(),
  at: z
    .date()
    .refine((d) => !Number.isNaN(d.getTime()), { error: "must be a valid date" })
    .optional(),
  context: z.string().max(100_000).optional(),
  key: z.string().min(1).max(256).optional(),
});

/** Client states in which a command would only wait for a reconnect that is already failing. */
const DOWN_STATES = new Set(["reconnecting", "close", "end"]);

/**
 * appendMessage: clean the text, embed it (not when blank, not for system messages), then ONE
 * EVALSHA of the guarded-write script: guard check + history + settings counters + users index
 * + memory record, all or nothing (writes.ts appendWrite). With `key`, a second append of the
 * same key stores nothing and returns the first message with `duplicate: true`.
 * If Redis cannot take the write (unreachable, OOM, READONLY, LOADING, MISCONF…) the prepared
 * write goes to the journal and the call succeeds.
 */
export async function appendMessage(
  ctx: MemoryContext,
  input: AppendInput,
  journaled: () => void,
): Promise<AppendResult> {
  const started = performance.now();
  assertUserId(input?.userId);
  const parsed = appendSchema.safeParse(input);
  if (!parsed.success)
    throw new AppError(
      "bad_request:memory",
      `Invalid message: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  const a = parsed.data;
  const { text, truncated } = cleanText(a.content, ctx.opts.maxMessageChars);
  const id = newMessageId(a.at);
  const message: HistoryMessage = {
    id,
    role: a.role,
    content: text,
    ts: new Date(a.at ? a.at.getTime() : idTime(id)).toISOString(),
    ...(a.tgMessageId === undefined ? {} : { tgMessageId: a.tgMessageId }),
    ...(truncated ? { truncated: true } : {}),
    ...(a.media ? { media: a.media } : {}),
  };
  if (a.key !== undefined) {
    const waiting = ctx.journal.findKey(a.key);
    if (waiting) return { ...waiting.message, duplicate: true };
  }

  let vector: Float32Array | undefined;
  if (a.role !== "system" && !isBlank(text)) {
    const embedStarted = performance.now();
    try {
      vector = await embedMemory(
        ctx.embedder,
        text,
        a.context === undefined ? undefined : cleanText(a.context, ctx.opts.maxMessageChars).text,
      );
      ctx.observe("embed", embedStarted);
    } catch (e) {
      // The conversation must not be lost because the model is missing: keep history, skip memory.
      log.error("embedding failed; the message is stored in history without a long-term memory", {
        userId: input.userId,
        error: e,
      });
    }
  }

  const profile =
    a.profile &&
    Object.fromEntries(
      Object.entries(a.profile)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, cleanText(v!, 256).text]),
    );
  const write: PendingAppend = {
    kind: "append",
    id,
    userId: input.userId,
    message,
    profile,
    usage: a.usage,
    meta: withMediaMeta(a.meta, a.media),
    vector,
    activityMs: a.at ? a.at.getTime() : Date.now(),
    ...(a.key === undefined ? {} : { key: a.key }),
  };

  if (ctx.journal.pending > 0 || DOWN_STATES.has(ctx.redis.status)) {
    ctx.journal.push(write); // behind what is already waiting, so order is kept
    journaled();
    return message;
  }
  const seq = ctx.journal.reserve(); // if this live attempt fails, it is journaled at this place
  const attempt = runWrites(ctx.redis, [appendWrite(ctx, write)]);
  ctx.inflight.add(attempt);
  let outcome: WriteOutcome;
  try {
    [outcome] = (await attempt) as [WriteOutcome];
  } catch (e) {
    if (!isUnavailable(e)) throw redisError(e, "store the message");
    ctx.journal.push(write, seq);
    journaled();
    return message;
  } finally {
    ctx.inflight.delete(attempt);
  }
  if (outcome.status === "partial")
    throw new AppError("internal:redis", `Redis refused part of storing a message: ${outcome.error}`);
  ctx.observe("append", started);
  if (outcome.status === "skipped") {
    const first = parseGuardValue(outcome.first);
    // Our own write seen again (a resent EVALSHA whose first reply was lost) is not a duplicate.
    if (first && first.id !== id)
      return { ...message, id: first.id, ts: first.ts ?? new Date(idTime(first.id)).toISOString(), duplicate: true };
  }
  return message;
}

const pageSchema = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(50),
});

/** A user's long-term memories, newest first (score is 0: nothing was searched). */
export async function listMemories(
  ctx: MemoryContext,
  userId: number,
  opts: { offset?: number; limit?: number } = {},
): Promise<{ items: MemoryHit[]; total: number }> {
  assertUserId(userId);
  const parsed = pageSchema.safeParse(opts);
  if (!parsed.success) throw new AppError("bad_request:memory", "offset must be ≥ 0 and limit 1..1000.");
  const { records, total } = await withRedis("list memories", () => ctx.engine.list(userId, parsed.data));
  const items = records.map((r) => ({
    id: r.id,
    userId: r.userId,
    role: r.role,
    content: r.content,
    ts: new Date(r.ts).toISOString(),
    score: 0,
    ...(r.meta && Object.keys(r.meta).length > 0 ? { meta: r.meta } : {}),
  }));
  return { items, total };
}

/**
 * Dashboard totals. `messages` and the token counts are the sums of the per-user counters
 * (every message ever appended for users still in the index, including ones already trimmed
 * from the history list), read with one pipelined HMGET per 1000 users.
 */
export async function stats(ctx: MemoryContext, journal: MemoryStats["journal"]): Promise<MemoryStats> {
  const users = await allUsers(ctx);
  let messages = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  for (let i = 0; i < users.length; i += 1000) {
    const p = ctx.redis.pipeline();
    for (const u of users.slice(i, i + 1000))
      p.hmget(ctx.keys.settings(u.userId), "messages", "promptTokens", "completionTokens");
    const res = await withRedis("read counters", () => p.exec());
    for (const [, v] of res ?? []) {
      const [m, pt, ct] = (v as (string | null)[] | null) ?? [];
      messages += Number(m ?? 0) || 0;
      promptTokens += Number(pt ?? 0) || 0;
      completionTokens += Number(ct ?? 0) || 0;
    }
  }
  const [memories, index] = await withRedis("read index stats", () =>
    Promise.all([ctx.engine.count(), ctx.engine.info()]),
  );
  return { users: users.length, messages, memories, promptTokens, completionTokens, journal, index };
}
