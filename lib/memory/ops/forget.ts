import type { MemoryContext } from "../context";
import { assertUserId } from "../ids";
import { withRedis } from "../redis-errors";

/**
 * Deletes everything of a user: history, settings, profile, the users-index entry, every long-term
 * memory (engine.deleteUser) and any write still waiting in the journal (memory and file).
 * Update-dedup and replay-guard keys hold no user data (ids of updates / messages only).
 */
export async function forgetUser(ctx: MemoryContext, userId: number): Promise<void> {
  assertUserId(userId);
  ctx.journal.removeUser(userId);
  await withRedis("forget the user", async () => {
    await ctx.redis
      .multi()
      .del(ctx.keys.history(userId), ctx.keys.settings(userId), ctx.keys.profile(userId))
      .zrem(ctx.keys.users(), String(userId))
      .hdel(ctx.keys.budget("trimmed"), String(userId))
      .exec();
    await ctx.engine.deleteUser(userId);
  });
}
