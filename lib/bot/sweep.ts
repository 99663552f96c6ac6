import { logger } from "../log";
import type { ChatQueue, QueueBacklog } from "./chat-queue";
import { resumeOrphans, type UpdateHandler } from "./drain";

const log = logger("bot");

/** Chats resumed per timer round; the next round (or a webhook) takes the rest. */
const SWEEP_LIMIT = 50;

/**
 * One sweep: continue every chat whose queue has updates and whose lock expired (its worker
 * died or lost the lock), then report chats that have waited too long without progress.
 * Reads only the `q:work` set (chats with work), never the keyspace.
 */
export async function sweepQueues(
  queue: ChatQueue,
  handle: UpdateHandler,
  opts: { staleMs: number; limit?: number },
): Promise<{ resumed: number; backlog: QueueBacklog }> {
  const resumed = await resumeOrphans(queue, handle, opts.limit ?? SWEEP_LIMIT, Infinity);
  const backlog = await queue.backlog(opts.staleMs);
  if (backlog.stale > 0) {
    log.error("chat queues stuck: updates waiting without progress", {
      stale: backlog.stale,
      chats: backlog.chats,
      oldestWaitMinutes: Math.round(backlog.oldestWaitMs / 60_000),
      thresholdMinutes: Math.round(opts.staleMs / 60_000),
    });
  }
  return { resumed, backlog };
}

/**
 * Sweeps at start and then every `intervalMs` in this process (a long-running server; on
 * serverless the sweep on every webhook call does the job). Rounds never overlap; the timer
 * does not keep the process alive. Returns a stop function.
 */
export function startQueueSweeper(o: {
  queue: () => Promise<ChatQueue>;
  handle: UpdateHandler;
  intervalMs: number;
  staleMs: number;
}): () => void {
  let running = false;
  let stopped = false;
  let adopted = false;
  const round = async () => {
    if (running || stopped) return;
    running = true;
    try {
      const queue = await o.queue();
      if (!adopted) {
        const n = await queue.adoptLegacy();
        if (n > 0) log.info("adopted chat queues recorded by an earlier version", { chats: n });
        adopted = true;
      }
      const { resumed } = await sweepQueues(queue, o.handle, { staleMs: o.staleMs });
      if (resumed > 0) log.info("queue sweep resumed updates", { updates: resumed });
    } catch (e) {
      log.warn("queue sweep failed; it runs again on the next round", { error: e });
    } finally {
      running = false;
    }
  };
  void round();
  const timer = setInterval(() => void round(), o.intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
