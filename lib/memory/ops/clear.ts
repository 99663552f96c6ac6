import type { MemoryContext } from "../context";
import { assertUserId } from "../ids";
import { withRedis } from "../redis-errors";

/** New conversation: the history list and the summary built from it go; everything else stays. */
export async function clearUser(ctx: MemoryContext, userId: number): Promise<void> {
  assertUserId(userId);
  await withRedis("clear the history", () =>
    ctx.redis.multi().del(ctx.keys.history(userId)).hdel(ctx.keys.settings(userId), "summary", "summaryUpTo").exec(),
  );
}
