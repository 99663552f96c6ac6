import type { Update } from "grammy/types";
import { logger } from "../log";
import type { ChatQueue } from "../redis/chat-queue";

const log = logger("bot");

export type UpdateHandler = (update: Update) => Promise<void>;

/**
 * Works through one chat's queued updates, oldest first, while holding the chat's lock. Only
 * one worker (in any instance) drains a chat at a time; the others return at once because the
 * holder will see their updates before it lets go (the release is atomic with "queue empty").
 * The lock is renewed while an update is being handled; if this process dies, the lock expires
 * and the next webhook for the chat, or the orphan sweep, continues the queue.
 */
export async function drainChat(queue: ChatQueue, chat: string, handle: UpdateHandler): Promise<number> {
  const token = await queue.tryLock(chat);
  if (!token) return 0;
  let handled = 0;
  const heartbeat = setInterval(() => {
    queue.renew(chat, token).catch((e: unknown) => log.warn("could not renew chat lock", { chat, error: e }));
  }, Math.max(250, Math.floor(queue.lockMs / 3)));
  try {
    for (;;) {
      const payload = await queue.peek(chat);
      if (payload === undefined) {
        const res = await queue.release(chat, token);
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
      if (!(await queue.ack(chat, token, payload))) {
        log.warn("lost the chat lock while handling an update; another worker continues", { chat });
        return handled;
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
