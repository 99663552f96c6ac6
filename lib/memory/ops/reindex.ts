import type { MemoryContext } from "../context";
import { contextFor, embedMemories } from "../contextual";
import type { MemoryRecord } from "../engines/types";
import { withRedis } from "../redis-errors";
import { isBlank } from "../text";
import { allUsers } from "../users";

const PAGE = 500;

/** A queue row: the record plus the text its vector is mixed with (contextual.ts). */
type QueuedRecord = MemoryRecord & { context?: string };
const BATCH = 64;

export interface ReindexProgress {
  phase: "snapshot" | "drop" | "rebuild" | "done";
  done: number;
  total: number;
}

/**
 * Re-embeds every long-term memory with the configured embedder and rebuilds the index.
 * Resumable and safe to interrupt, with its state in Redis (keys.reindex("state"|"queue")):
 *   snapshot  every user's records (text + meta + the neighbour's text, contextFor(): the
 *             previous memory in id order; no vectors) are copied to the queue LIST;
 *             interrupted → the snapshot starts over (the old index is still intact)
 *   drop      engine.dropAll() + ensureIndex() with the new embedder; idempotent, so repeated
 *   rebuild   batches of 64: embed, then ONE MULTI writes the records, LTRIMs them off the queue
 *             and counts them — a batch is either fully done or not at all, so a rerun continues
 *             exactly where it stopped.
 * Users come from the users index. Messages appended between the snapshot and the drop are not
 * in the new index (their history is kept): stop the bot while reindexing.
 */
export async function reindexAll(
  ctx: MemoryContext,
  onProgress: (p: ReindexProgress) => void = () => undefined,
): Promise<{ total: number; resumed: boolean }> {
  const stateKey = ctx.keys.reindex("state");
  const queueKey = ctx.keys.reindex("queue");
  const state = await withRedis("read reindex state", () => ctx.redis.hgetall(stateKey));
  const resumed = state.phase !== undefined;
  let phase = state.phase ?? "snapshot";
  let total = Number(state.total ?? 0);

  if (phase === "snapshot") {
    await withRedis("start the reindex", () =>
      ctx.redis
        .multi()
        .del(queueKey)
        .hset(stateKey, { phase, embedder: ctx.embedder.id, startedAt: new Date().toISOString() })
        .exec(),
    );
    total = 0;
    for (const { userId } of await allUsers(ctx)) {
      // a user's memories in conversation order, so each gets its neighbour as context
      const records: MemoryRecord[] = [];
      for (let offset = 0; ; offset += PAGE) {
        const page = await withRedis("read memories", () => ctx.engine.list(userId, { offset, limit: PAGE }));
        records.push(...page.records.filter((r) => !isBlank(r.content)));
        onProgress({ phase: "snapshot", done: total + records.length, total: total + records.length });
        if (page.records.length < PAGE || offset + PAGE >= page.total) break;
      }
      records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const rows = records.map((r, i) =>
        JSON.stringify({
          id: r.id,
          userId,
          role: r.role,
          content: r.content,
          ts: r.ts,
          meta: r.meta,
          context: contextFor(records[i - 1], r.ts),
        } satisfies QueuedRecord),
      );
      for (let i = 0; i < rows.length; i += PAGE) {
        const chunk = rows.slice(i, i + PAGE);
        await withRedis("queue memories", () => ctx.redis.rpush(queueKey, ...chunk));
      }
      total += rows.length;
    }
    phase = "drop";
    await withRedis("save reindex state", () => ctx.redis.hset(stateKey, { phase, total: String(total), done: "0" }));
  }

  if (phase === "drop") {
    onProgress({ phase: "drop", done: 0, total });
    await withRedis("drop the index", () => ctx.engine.dropAll());
    await ctx.engine.ensureIndex();
    phase = "rebuild";
    await withRedis("save reindex state", () => ctx.redis.hset(stateKey, { phase }));
  }

  let done = Number((await withRedis("read reindex state", () => ctx.redis.hget(stateKey, "done"))) ?? 0);
  let previousBatch = new Map<string, Float32Array>(); // plain vectors: the next batch's first neighbour
  for (;;) {
    onProgress({ phase: "rebuild", done, total });
    const raw = await withRedis("read the reindex queue", () => ctx.redis.lrange(queueKey, 0, BATCH - 1));
    if (raw.length === 0) break;
    const queued = raw.map((r) => JSON.parse(r) as QueuedRecord);
    const { vectors, plain } = await embedMemories(
      ctx.embedder,
      queued.map((r) => ({ text: r.content, context: r.context })),
      previousBatch,
    );
    previousBatch = plain;
    const m = ctx.redis.multi();
    queued.forEach((q, i) =>
      ctx.engine.write(
        m,
        { id: q.id, userId: q.userId, role: q.role, content: q.content, ts: q.ts, meta: q.meta },
        vectors[i]!,
      ),
    );
    m.ltrim(queueKey, raw.length, -1).hincrby(stateKey, "done", raw.length);
    await withRedis("write re-embedded memories", () => m.exec());
    done += raw.length;
  }
  await withRedis("finish the reindex", () => ctx.redis.del(stateKey, queueKey));
  onProgress({ phase: "done", done, total });
  return { total, resumed };
}
