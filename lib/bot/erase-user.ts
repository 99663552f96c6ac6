import type { Memory } from "../memory/types";
import type { RateLimiter } from "./rate-limit";

/**
 * The one "forget me": the bot's /forget and the dashboard's delete both come here, so neither
 * can leave a key of the user behind that the other removes.
 *
 * - memory: history, settings, profile, users-index entry, long-term memories, budget counts,
 *   journaled writes not yet replayed, and this process's recall cache of the user (other
 *   instances' caches reload: the id log they sync by is gone);
 * - limiter: the rate-limit window `rl:<user>`;
 * - queue: nothing to remove — an update's turn progress (`q:turn`, `replied`) is deleted by its
 *   ack, and updates still queued are messages the user sent; they are handled after this and
 *   start a new memory, as the bot's reply says. Update-dedup and replay-guard keys hold ids only.
 */
export async function eraseUser(
  deps: { memory: Pick<Memory, "forget">; limiter: Pick<RateLimiter, "reset"> },
  userId: number,
): Promise<void> {
  await deps.memory.forget(userId);
  await deps.limiter.reset(userId);
}
