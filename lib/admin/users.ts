import { AppError } from "../errors";
import type { HistoryMessage, MemoryHit, UserExport, UserSettings, UserSummary } from "../memory/types";
import { eraseUser } from "../bot/erase-user";
import { createRateLimiter } from "../bot/rate-limit";
import { adminDeps } from "./deps";
import type { UsersQuery } from "./schemas";

export async function listUsersPage(
  q: UsersQuery,
): Promise<{ users: UserSummary[]; total: number; offset: number; limit: number }> {
  const { memory } = await adminDeps();
  const { users, total } = await memory.listUsers({
    offset: q.offset,
    limit: q.limit,
    query: q.q || undefined,
    sort: q.sort,
    order: q.order,
  });
  return { users, total, offset: q.offset, limit: q.limit };
}

export interface UserDetail {
  userId: number;
  settings: UserSettings;
  memories: number;
  historyLength: number;
}

/** Settings and counts; not_found when the user has left no trace at all. */
export async function getUserDetail(userId: number): Promise<UserDetail> {
  const { rt, memory } = await adminDeps();
  const [settings, history, memories] = await Promise.all([
    memory.getSettings(userId),
    memory.getHistory(userId, rt.config.memory.historyMax),
    memory.listMemories(userId, { offset: 0, limit: 1 }),
  ]);
  if (history.length === 0 && memories.total === 0 && !settings.createdAt && settings.messages === 0) {
    throw new AppError("not_found:admin", `No user ${userId}: nothing is stored for this id.`);
  }
  return { userId, settings, memories: memories.total, historyLength: history.length };
}

/** A page of history, oldest first; `hasMore` when older messages exist before it. */
export async function getHistoryPage(
  userId: number,
  opts: { before?: string; limit: number },
): Promise<{ messages: HistoryMessage[]; hasMore: boolean }> {
  const { memory } = await adminDeps();
  const got = await memory.getHistory(userId, opts.limit + 1, opts.before ? { before: opts.before } : undefined);
  const hasMore = got.length > opts.limit;
  return { messages: hasMore ? got.slice(got.length - opts.limit) : got, hasMore };
}

/** The history page holding message `id` (for links from search); undefined when it left the history. */
export async function historyPageAround(
  userId: number,
  id: string,
  limit: number,
): Promise<{ messages: HistoryMessage[]; hasMore: boolean } | undefined> {
  const { rt, memory } = await adminDeps();
  const all = await memory.getHistory(userId, rt.config.memory.historyMax);
  const at = all.findIndex((m) => m.id === id);
  if (at < 0) return undefined;
  const start = Math.max(0, at - Math.floor(limit / 2));
  const end = Math.min(all.length, start + limit);
  return { messages: all.slice(start, end), hasMore: start > 0 };
}

export async function getMemoriesPage(
  userId: number,
  opts: { offset: number; limit: number },
): Promise<{ items: MemoryHit[]; total: number }> {
  const { memory } = await adminDeps();
  return memory.listMemories(userId, opts);
}

export async function clearUser(userId: number): Promise<{ ok: true }> {
  const { memory } = await adminDeps();
  await memory.clear(userId);
  return { ok: true };
}

export async function forgetUser(userId: number): Promise<{ ok: true }> {
  const { rt, memory } = await adminDeps();
  await eraseUser({ memory, limiter: createRateLimiter(rt.redis, rt.config.redis.prefix) }, userId);
  return { ok: true };
}

export async function exportUser(userId: number, vectors: boolean): Promise<UserExport> {
  const { memory } = await adminDeps();
  return memory.exportUser(userId, { vectors });
}
