import { z } from "zod";
import { AppError } from "../errors";
import type { MemoryContext } from "./context";
import { withRedis } from "./redis-errors";
import { parseSettings } from "./settings";
import type { UserSummary } from "./types";

const CHUNK = 1000;

const listSchema = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(50),
  query: z.string().trim().max(200).optional(),
  sort: z.enum(["lastActive", "messages", "userId"]).default("lastActive"),
  order: z.enum(["asc", "desc"]).default("desc"),
});
export type ListUsersOptions = z.input<typeof listSchema>;

/** ZRANGE … WITHSCORES replies come flat ([m, s, m, s]) or paired ([[m, s], …]) depending on the call path. */
function scorePairs(reply: unknown): { userId: number; lastActiveMs: number }[] {
  const r = (reply ?? []) as unknown[];
  const out: { userId: number; lastActiveMs: number }[] = [];
  if (Array.isArray(r[0]))
    for (const [m, sc] of r as [unknown, unknown][]) out.push({ userId: Number(m), lastActiveMs: Number(sc) });
  else for (let i = 0; i + 1 < r.length; i += 2) out.push({ userId: Number(r[i]), lastActiveMs: Number(r[i + 1]) });
  return out;
}

/** Every user id in the index with its last activity (ms), oldest first. */
export async function allUsers(ctx: MemoryContext): Promise<{ userId: number; lastActiveMs: number }[]> {
  return scorePairs(await withRedis("list users", () => ctx.redis.zrange(ctx.keys.users(), 0, "-1", "WITHSCORES")));
}

/** HGETALL of many users, pipelined in chunks (one round trip per 1000 users). */
export async function loadSummaries(
  ctx: MemoryContext,
  users: { userId: number; lastActiveMs: number }[],
): Promise<UserSummary[]> {
  const out: UserSummary[] = [];
  for (let i = 0; i < users.length; i += CHUNK) {
    const part = users.slice(i, i + CHUNK);
    const p = ctx.redis.pipeline();
    for (const u of part) p.hgetall(ctx.keys.settings(u.userId));
    const res = await withRedis("read user settings", () => p.exec());
    part.forEach((u, j) => {
      const [err, h] = res![j]!;
      if (err)
        throw new AppError("internal:redis", `Could not read settings of user ${u.userId}: ${err.message}`, {
          cause: err,
        });
      out.push({
        ...parseSettings(h as Record<string, string>),
        userId: u.userId,
        lastActiveAt: new Date(u.lastActiveMs).toISOString(),
      });
    });
  }
  return out;
}

function matches(u: UserSummary, q: string): boolean {
  const needle = q.toLowerCase().replace(/^@/, "");
  return [String(u.userId), u.firstName, u.username].some((v) => v?.toLowerCase().includes(needle));
}

/**
 * The dashboard's user list. Sorted by last activity without a query: one ZRANGE page plus one
 * pipelined HGETALL page. Sorting by messages or user id, or filtering by a query, reads every
 * user's settings (pipelined in chunks of 1000): fine for thousands of users.
 */
export async function listUsers(
  ctx: MemoryContext,
  input: ListUsersOptions = {},
): Promise<{ users: UserSummary[]; total: number }> {
  const parsed = listSchema.safeParse(input);
  if (!parsed.success)
    throw new AppError(
      "bad_request:memory",
      `Invalid user list options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  const o = parsed.data;
  const dir = o.order === "asc" ? 1 : -1;
  if (o.sort === "lastActive" && !o.query) {
    const key = ctx.keys.users();
    const [total, page] = await withRedis("list users", async () => {
      const res = await ctx.redis
        .pipeline()
        .zcard(key)
        .call("ZRANGE", key, o.offset, o.offset + o.limit - 1, ...(dir < 0 ? ["REV", "WITHSCORES"] : ["WITHSCORES"]))
        .exec();
      return [Number(res![0]![1]), scorePairs(res![1]![1])] as const;
    });
    return { users: await loadSummaries(ctx, page), total };
  }
  let users = await loadSummaries(ctx, await allUsers(ctx));
  if (o.query) users = users.filter((u) => matches(u, o.query!));
  const key = (u: UserSummary) =>
    o.sort === "messages" ? u.messages : o.sort === "userId" ? u.userId : Date.parse(u.lastActiveAt ?? "0");
  users.sort((a, b) => (key(a) - key(b)) * dir || (a.userId - b.userId) * dir);
  return { users: users.slice(o.offset, o.offset + o.limit), total: users.length };
}
