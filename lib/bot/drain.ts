import { randomUUID } from "node:crypto";
import type { Update } from "grammy/types";
import { logger } from "../log";
import { retryWhileUnavailable } from "../memory/redis-errors";
import type { ChatQueue } from "./chat-queue";
import { LeaseLostError, runWithLease, type Lease } from "./lease";

const log = logger("bot");

export type UpdateHandler = (update: Update) => Promise<void>;

/** How long a drain waits for Redis to come back before leaving the chat to the orphan sweep. */
const REDIS_WAIT_MS = 60_000;

const whileRedisDown = <T>(what: string, fn: () => Promise<T>): Promise<T> =>
  retryWhileUnavailable(fn, {
    waitMs: REDIS_WAIT_MS,
    onWait: (e) => log.warn(`Redis unreachable while trying to ${what}; waiting for it`, { error: e }),
  });

function updateIdOf(payload: string): number {
  return (JSON.parse(payload) as Update).update_id;
}

/**
 * Works through one chat's queued updates, oldest first, while holding the chat's lock. Only
 * one worker (in any instance) drains a chat at a time; the others return at once because the
 * holder will see their updates before it lets go (the release is atomic with "queue empty").
 *
 * One random token for the whole drain, reused by every retry: if Redis took our lock and the
 * reply was lost (restart, reset), the retry finds our own token and extends it instead of
 * mistaking us for another holder. The lock is renewed on a timer and before every Bot API
 * call (lib/bot/lease.ts); the first renewal that answers "not yours" stops this worker before
 * it sends anything, and it leaves the update unacknowledged for the new holder, which resumes
 * from the update's recorded progress (lib/bot/turn-progress.ts). If this process dies, the lock
 * expires and the sweep (lib/bot/sweep.ts) continues the queue.
 */
export async function drainChat(queue: ChatQueue, chat: string, handle: UpdateHandler): Promise<number> {
  const token = randomUUID();
  if (!(await whileRedisDown("lock the chat", () => queue.tryLock(chat, token)))) return 0;
  let lost = false;
  const markLost = () => {
    if (!lost) log.warn("lost the chat lock; stopping this worker, another one continues the chat", { chat });
    lost = true;
  };
  const lease: Lease = {
    chat,
    get lost() {
      return lost;
    },
    async confirm() {
      if (!lost && !(await whileRedisDown("renew the chat lock", () => queue.renew(chat, token)))) markLost();
      if (lost) throw new LeaseLostError(chat);
    },
  };
  let handled = 0;
  const heartbeat = setInterval(
    () => {
      if (lost) return;
      queue.renew(chat, token).then(
        (ok) => ok || markLost(),
        (e: unknown) => log.warn("could not renew chat lock", { chat, error: e }),
      );
    },
    Math.max(250, Math.floor(queue.lockMs / 3)),
  );
  try {
    for (;;) {
      if (lost) return handled;
      const payload = await whileRedisDown("read the chat queue", () => queue.peek(chat));
      if (payload === undefined) {
        const res = await whileRedisDown("release the chat lock", () => queue.release(chat, token));
        if (res === "busy") continue; // an update arrived in between: keep going
        return handled;
      }
      try {
        await runWithLease(lease, () => handle(JSON.parse(payload) as Update));
      } catch (e) {
        // The bot's error boundary answers the user; a failure here must not block the chat.
        if (!lost) log.error("update failed; dropping it from the chat queue", { chat, error: e });
      }
      if (lost) return handled; // not ours to acknowledge: the new holder redoes it from its progress
      handled++;
      // ACK runs only while the token holds the lock; if a Redis restart dropped the lock
      // (AOF fsync window), take it again with the same token when it is free and acknowledge,
      // so the handled update is not handled twice.
      const acked = await whileRedisDown(
        "acknowledge the update",
        async () =>
          (await queue.ack(chat, token, payload, updateIdOf(payload))) ||
          ((await queue.tryLock(chat, token)) && (await queue.ack(chat, token, payload, updateIdOf(payload)))),
      );
      if (!acked) {
        markLost();
        return handled;
      }
    }
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * Continues queues whose worker died (their lock expired), oldest waiting first, at most
 * `limit` chats found among the first `scan` chats with work (the webhook's cheap sweep looks
 * at a few; the timer sweep at all).
 */
export async function resumeOrphans(queue: ChatQueue, handle: UpdateHandler, limit = 5, scan = 20): Promise<number> {
  let handled = 0;
  for (const chat of await queue.orphans(limit, scan)) {
    log.warn("resuming an orphaned chat queue", { chat });
    handled += await drainChat(queue, chat, handle);
  }
  return handled;
}
