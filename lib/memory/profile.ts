import { z } from "zod";
import { AppError } from "../errors";
import type { MemoryContext } from "./context";
import { assertUserId, newMessageId } from "./ids";
import { withRedis } from "./redis-errors";
import { cleanText } from "./text";
import {
  PROFILE_CATEGORIES,
  REPLY_STYLES,
  type NewProfileFact,
  type ProfileCategory,
  type ProfileFact,
  type UserProfile,
} from "./types";

/**
 * The user profile: one HASH per user (`keys.profile`), one field per fact (`f:<id>` → JSON)
 * plus the extraction cursor (`_upTo`) and the turn counter (`_turns`). Facts are never
 * overwritten in place: a contradiction, an edit or a delete marks the old one superseded, so
 * the dashboard can show what the bot believed and when. Same TTL as settings; forget deletes
 * the key; export/import carry the facts.
 */

/** Categories with one current fact: a new one replaces the old without being told to. */
const SINGLE_VALUED = new Set<ProfileCategory>(["name", "address_as", "reply_style", "language"]);
export const PROFILE_FACT_MAX_CHARS = 200;
/** A profile is a short list, not a second history: beyond this, the oldest history entries go. */
const MAX_FACTS_KEPT = 200;

const factSchema = z.object({
  id: z.string().min(1).max(100),
  category: z.enum(PROFILE_CATEGORIES),
  text: z.string().min(1).max(PROFILE_FACT_MAX_CHARS),
  sources: z.array(z.string().max(100)).max(20),
  learntAt: z.string(),
  by: z.enum(["model", "admin", "import"]),
  supersededAt: z.string().optional(),
  supersededBy: z.string().optional(),
  deleted: z.boolean().optional(),
});
export const profileFactSchema = factSchema;

const newFactSchema = z.object({
  category: z.enum(PROFILE_CATEGORIES),
  text: z.string(),
  sources: z.array(z.string().max(100)).max(20),
  replaces: z.string().max(100).optional(),
});

/** One line, no control characters, at most PROFILE_FACT_MAX_CHARS; "" when nothing is left. */
export function normalizeFactText(text: string): string {
  const { text: clean } = cleanText(text, 10_000);
  const line = clean.replace(/\s+/g, " ").trim();
  return line.length > PROFILE_FACT_MAX_CHARS ? `${line.slice(0, PROFILE_FACT_MAX_CHARS - 1)}…` : line;
}

const current = (f: ProfileFact) => !f.supersededAt;
const sameText = (a: string, b: string) => a.toLocaleLowerCase() === b.toLocaleLowerCase();

function parseProfile(hash: Record<string, string>): UserProfile {
  const facts: ProfileFact[] = [];
  for (const [field, raw] of Object.entries(hash)) {
    if (!field.startsWith("f:")) continue;
    try {
      const parsed = factSchema.safeParse(JSON.parse(raw));
      if (parsed.success) facts.push(parsed.data);
    } catch {
      // A damaged field is skipped, never fatal: the rest of the profile still works.
    }
  }
  facts.sort((a, b) => a.learntAt.localeCompare(b.learntAt) || a.id.localeCompare(b.id));
  return { facts, upTo: hash._upTo || undefined, turnsSince: Number.parseInt(hash._turns ?? "0", 10) || 0 };
}

export async function getProfile(ctx: MemoryContext, userId: number): Promise<UserProfile> {
  assertUserId(userId);
  return parseProfile(await withRedis("read the profile", () => ctx.redis.hgetall(ctx.keys.profile(userId))));
}

async function writeFacts(
  ctx: MemoryContext,
  userId: number,
  facts: ProfileFact[],
  extra: Record<string, string> = {},
  drop: string[] = [],
): Promise<void> {
  const key = ctx.keys.profile(userId);
  const fields: Record<string, string> = { ...extra };
  for (const f of facts) fields[`f:${f.id}`] = JSON.stringify(f);
  const m = ctx.redis.multi();
  if (Object.keys(fields).length > 0) m.hset(key, fields);
  if (drop.length > 0) m.hdel(key, ...drop);
  m.expire(key, ctx.ttlSeconds);
  await withRedis("save the profile", () => m.exec());
}

/** Superseded facts beyond MAX_FACTS_KEPT, oldest first (current facts are never dropped). */
function overflow(facts: ProfileFact[]): string[] {
  const old = facts.filter((f) => !current(f));
  const excess = facts.length - MAX_FACTS_KEPT;
  return excess > 0 ? old.slice(0, excess).map((f) => `f:${f.id}`) : [];
}

export async function addProfileFacts(
  ctx: MemoryContext,
  userId: number,
  input: NewProfileFact[],
  opts: { upTo?: string; by?: ProfileFact["by"] } = {},
): Promise<ProfileFact[]> {
  assertUserId(userId);
  const parsed = z.array(newFactSchema).max(50).safeParse(input);
  if (!parsed.success)
    throw new AppError(
      "bad_request:memory",
      `Invalid profile facts: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  const profile = await getProfile(ctx, userId);
  const now = new Date().toISOString();
  const changed = new Map<string, ProfileFact>();
  const added: ProfileFact[] = [];
  const live = () => [...profile.facts.map((f) => changed.get(f.id) ?? f), ...added].filter(current);

  for (const n of parsed.data) {
    const text = normalizeFactText(n.text);
    if (!text) continue;
    if (n.category === "reply_style" && !(REPLY_STYLES as readonly string[]).includes(text.toLowerCase())) continue;
    const same = live().find((f) => f.category === n.category && sameText(f.text, text));
    if (same) {
      // Heard again: keep the fact, remember where.
      const sources = [...new Set([...same.sources, ...n.sources])].slice(-20);
      const updated = { ...same, sources };
      if (added.includes(same)) added[added.indexOf(same)] = updated;
      else changed.set(same.id, updated);
      continue;
    }
    const fact: ProfileFact = {
      id: newMessageId(),
      category: n.category,
      text: n.category === "reply_style" ? text.toLowerCase() : text,
      sources: [...new Set(n.sources)].slice(0, 20),
      learntAt: now,
      by: opts.by ?? "model",
    };
    const replaced = live().filter(
      (f) => f.id === n.replaces || (SINGLE_VALUED.has(n.category) && f.category === n.category),
    );
    for (const old of replaced) {
      const superseded = { ...old, supersededAt: now, supersededBy: fact.id };
      if (added.includes(old)) added[added.indexOf(old)] = superseded;
      else changed.set(old.id, superseded);
    }
    added.push(fact);
  }

  const all = [...profile.facts.map((f) => changed.get(f.id) ?? f), ...added];
  const extra: Record<string, string> = {};
  if (opts.upTo) {
    extra._upTo = opts.upTo;
    extra._turns = "0";
  }
  await writeFacts(ctx, userId, [...changed.values(), ...added], extra, overflow(all));
  return added;
}

export async function deleteProfileFacts(ctx: MemoryContext, userId: number, factId: string): Promise<number> {
  assertUserId(userId);
  const profile = await getProfile(ctx, userId);
  const now = new Date().toISOString();
  const targets = profile.facts.filter((f) => current(f) && (factId === "all" || f.id === factId));
  if (factId !== "all" && targets.length === 0) {
    throw new AppError("not_found:memory", `No current profile fact ${factId} for user ${userId}.`);
  }
  if (targets.length > 0)
    await writeFacts(
      ctx,
      userId,
      targets.map((f) => ({ ...f, supersededAt: now, deleted: true })),
    );
  return targets.length;
}

export async function editProfileFact(
  ctx: MemoryContext,
  userId: number,
  factId: string,
  text: string,
): Promise<ProfileFact> {
  assertUserId(userId);
  const profile = await getProfile(ctx, userId);
  const old = profile.facts.find((f) => f.id === factId && current(f));
  if (!old) throw new AppError("not_found:memory", `No current profile fact ${factId} for user ${userId}.`);
  const clean = normalizeFactText(text);
  if (!clean) throw new AppError("bad_request:memory", "A profile fact needs some text.");
  if (old.category === "reply_style" && !(REPLY_STYLES as readonly string[]).includes(clean.toLowerCase())) {
    throw new AppError("bad_request:memory", `A reply style is one of: ${REPLY_STYLES.join(", ")}.`);
  }
  const now = new Date().toISOString();
  const fact: ProfileFact = {
    id: newMessageId(),
    category: old.category,
    text: old.category === "reply_style" ? clean.toLowerCase() : clean,
    sources: old.sources,
    learntAt: now,
    by: "admin",
  };
  await writeFacts(ctx, userId, [{ ...old, supersededAt: now, supersededBy: fact.id }, fact]);
  return fact;
}

export async function countProfileTurn(ctx: MemoryContext, userId: number): Promise<number> {
  assertUserId(userId);
  const key = ctx.keys.profile(userId);
  const res = await withRedis("count a profile turn", () =>
    ctx.redis.multi().hincrby(key, "_turns", 1).expire(key, ctx.ttlSeconds).exec(),
  );
  return Number(res?.[0]?.[1] ?? 0);
}

/** Import: the exported facts as they were (ids, times, supersession kept). */
export async function restoreProfile(
  ctx: MemoryContext,
  userId: number,
  profile: { facts: ProfileFact[]; upTo?: string },
): Promise<void> {
  if (profile.facts.length === 0 && !profile.upTo) return;
  await writeFacts(ctx, userId, profile.facts, profile.upTo ? { _upTo: profile.upTo } : {});
}
