import { z } from "zod";
import { AppError } from "../errors";
import type { MemoryContext } from "./context";
import { assertUserId, newMessageId } from "./ids";
import { isUnavailable, redisError, withRedis } from "./redis-errors";
import type { UserSettings } from "./types";
import { runWrites } from "./guarded-write";
import { settingsWrite } from "./writes";

const toInt = (v: string | undefined) => (v === undefined ? 0 : Number.parseInt(v, 10) || 0);
const opt = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);

/** HASH fields → UserSettings. Personal mode is ON unless the field says "0". */
export function parseSettings(h: Record<string, string>): UserSettings {
  return {
    model: opt(h.model),
    personal: h.personal !== "0",
    language: opt(h.language),
    firstName: opt(h.firstName),
    username: opt(h.username),
    createdAt: opt(h.createdAt),
    lastSeenAt: opt(h.lastSeenAt),
    messages: toInt(h.messages),
    promptTokens: toInt(h.promptTokens),
    completionTokens: toInt(h.completionTokens),
    summary: opt(h.summary),
    summaryUpTo: opt(h.summaryUpTo),
  };
}

/** UserSettings → HASH fields (imports). */
export function settingsFields(s: UserSettings): Record<string, string> {
  const out: Record<string, string> = {
    personal: s.personal ? "1" : "0",
    messages: String(s.messages),
    promptTokens: String(s.promptTokens),
    completionTokens: String(s.completionTokens),
  };
  for (const k of [
    "model",
    "language",
    "firstName",
    "username",
    "createdAt",
    "lastSeenAt",
    "summary",
    "summaryUpTo",
  ] as const) {
    const v = s[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export async function getSettings(ctx: MemoryContext, userId: number): Promise<UserSettings> {
  assertUserId(userId);
  return parseSettings(await withRedis("read user settings", () => ctx.redis.hgetall(ctx.keys.settings(userId))));
}

const patchSchema = z.strictObject({
  model: z.string().min(1).max(200).optional(),
  personal: z.boolean().optional(),
  language: z.string().max(35).optional(),
  summary: z.string().max(200_000).optional(),
  summaryUpTo: z.string().max(100).optional(),
});

export type SettingsPatch = z.infer<typeof patchSchema>;

/** HSET of the given fields; journaled like appends when Redis is unreachable. */
export async function updateSettings(
  ctx: MemoryContext,
  userId: number,
  patch: SettingsPatch,
  afterJournal: () => void,
): Promise<void> {
  assertUserId(userId);
  const parsed = patchSchema.safeParse(patch);
  if (!parsed.success)
    throw new AppError(
      "bad_request:memory",
      `Invalid settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed.data)) {
    if (v !== undefined) fields[k] = typeof v === "boolean" ? (v ? "1" : "0") : v;
  }
  if (Object.keys(fields).length === 0) return;
  const write = { kind: "settings" as const, id: newMessageId(), userId, patch: fields };
  if (ctx.journal.pending > 0) {
    ctx.journal.push(write); // keep order behind writes already waiting
    afterJournal();
    return;
  }
  const seq = ctx.journal.reserve();
  const attempt = runWrites(ctx.redis, [settingsWrite(ctx, write)]);
  ctx.inflight.add(attempt);
  try {
    const [outcome] = await attempt;
    if (outcome?.status === "partial")
      throw new AppError("internal:redis", `Redis refused part of updating user settings: ${outcome.error}`);
  } catch (e) {
    if (e instanceof AppError || !isUnavailable(e)) throw redisError(e, "update user settings");
    ctx.journal.push(write, seq);
    afterJournal();
  } finally {
    ctx.inflight.delete(attempt);
  }
}
