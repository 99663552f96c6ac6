import type { Update } from "grammy/types";
import { logger } from "../log";
import { retryWhileUnavailable } from "../memory/redis-errors";
import type { ChatQueue } from "../redis/chat-queue";

const log = logger("bot");

export type UpdateHandler = (update: Update) => Promise<void>;

/** How long a drain waits for Redis to come back before leaving the chat to the orphan sweep. */
const REDIS_WAIT_MS = 60_000;

const whileRedisDown = <T>(what: string, fn: () => Promise<T>): Promise<T> =>
  retryWhileUnavailable(fn, { waitMs: REDIS_WAIT_MS, onWait: (e) => log.warn(`Redis unreachable while trying to ${what}; waiting for it`, { error: e }) });

/**
 * Works through one chat's queued updates, oldest first, while holding the chat's lock. Only
 * one worker (in any instance) drains a chat at a time; the others return at once because the
 * holder will see their updates before it lets go (the release is atomic with "queue empty").
 * The lock is renewed while an update is being handled; if this process dies, the lock expires
 * and the next webhook for the chat, or the orphan sweep, continues the queue.
 */
export async function drainChat(queue: ChatQueue, chat: string, handle: UpdateHandler): Promise<number> {
  let token = await whileRedisDown("lock the chat", () => queue.tryLock(chat));
  if (!token) return 0;
  let handled = 0;
  const heartbeat = setInterval(() => {
    queue.renew(chat, token!).catch((e: unknown) => log.warn("could not renew chat lock", { chat, error: e }));
  }, Math.max(250, Math.floor(queue.lockMs / 3)));
  try {
    for (;;) {
      const payload = await whileRedisDown("read the chat queue", () => queue.peek(chat));
      if (payload === undefined) {
        const held = token;
        const res = await whileRedisDown("release the chat lock", () => queue.release(chat, held));
        if (res === "busy") continue; // an update arrived in between: keep going
        return handled;
      }
      try {
        await handle(JSON.parse(payload) as Update);
      } catch (e) {
        // The bot's error boundary answers the user; a failure here must not block the chat.
        log.error("update failed; dropping it from the chat queue", { chat, error: e });
      }
      handled++;
      if (!(await whileRedisDown("acknowledge the update", () => queue.ack(chat, token!, payload)))) {
        // A Redis restart can drop the lock (AOF fsync window): take it again if it is free and
        // acknowledge with the new token, so the handled update is not handled twice.
        const again = await whileRedisDown("lock the chat", () => queue.tryLock(chat));
        if (!again || !(await whileRedisDown("acknowledge the update", () => queue.ack(chat, again, payload)))) {
          log.warn("lost the chat lock while handling an update; another worker continues", { chat });
          return handled;
        }
        token = again;
      }
    }
  } finally {
    clearInterval(heartbeat);
  }
}

/** Continues queues whose worker died (their lock expired), a few per call. */
export async function resumeOrphans(queue: ChatQueue, handle: UpdateHandler, limit = 5): Promise<number> {
  let handled = 0;
  for (const chat of await queue.orphans(limit)) {
    log.warn("resuming an orphaned chat queue", { chat });
    handled += await drainChat(queue, chat, handle);
  }
  return handled;
}
