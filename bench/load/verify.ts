import type { EmbedderStatus, EmbeddingProvider } from "@/lib/embeddings";
import { createMemory } from "@/lib/memory";
import { createRedisClient } from "@/lib/redis/client";
import { probeRedis } from "@/lib/redis/probe";
import { chooseEngine } from "@/lib/memory/engines/choose";
import type { ObservedReply, SentMessage } from "./users";

export interface LoadCheck {
  accepted: number;
  /** Accepted messages whose user message is not in the user's history. */
  lostHistory: number;
  /** Accepted messages without a long-term memory of the user message. */
  lostMemory: number;
  /** User messages stored more than once (history or memory). */
  duplicateStored: number;
  /** Replies beyond the first for one message. */
  duplicateReplies: number;
  /** Accepted messages that never got a reply. */
  missingReplies: number;
  /** Replies that arrived in a different order than their messages, per chat. */
  outOfOrder: number;
  /** Replies that carried no message reference (error texts, apologies). */
  unmatchedReplies: number;
  /** Assistant replies in history ≠ replies delivered. */
  assistantHistoryMismatch: number;
  /** The first problems in detail (user, seq, update id, what is wrong), for debugging. */
  details: string[];
}

/** A stand-in with the real model's id: reading history and memories never embeds. */
function readOnlyEmbedder(id: string): EmbeddingProvider {
  const status: EmbedderStatus = { provider: "local", model: id, dims: 384, loaded: true };
  return {
    id,
    dims: 384,
    embed: () => Promise.reject(new Error("verification does not embed")),
    status: () => status,
    warmUp: async () => undefined,
  };
}

/**
 * After the load: every accepted (2xx) message must be in Redis exactly once — in the user's
 * history and as a long-term memory — read back through the memory facade, and every one must
 * have exactly one reply, in order.
 */
export async function verifyLoad(o: {
  redisUrl: string;
  prefix: string;
  sent: SentMessage[];
  replies: ObservedReply[];
  historyLimit: number;
}): Promise<LoadCheck> {
  const redis = createRedisClient({ url: o.redisUrl, name: "mindmate-bench-verify", commandTimeoutMs: 30_000 });
  const engine = chooseEngine(await probeRedis(redis), "auto");
  const memory = createMemory({
    redis,
    prefix: o.prefix,
    engine,
    embedder: readOnlyEmbedder("local:Xenova/all-MiniLM-L6-v2"),
    historyMax: o.historyLimit,
    ttlDays: 30,
    longTermTtlDays: 30,
    maxMessageChars: 16000,
    algorithm: "HNSW", // encoding: the index keeps what the app wrote
  });
  const check: LoadCheck = {
    accepted: 0,
    lostHistory: 0,
    lostMemory: 0,
    duplicateStored: 0,
    duplicateReplies: 0,
    missingReplies: 0,
    outOfOrder: 0,
    unmatchedReplies: 0,
    assistantHistoryMismatch: 0,
    details: [],
  };
  const note = (s: SentMessage, what: string) => {
    if (check.details.length < 20)
      check.details.push(
        `user ${s.user} m${s.seq} update ${s.updateId} sent ${new Date(s.sentAt).toISOString()}: ${what}`,
      );
  };
  try {
    await memory.init();
    const byUser = new Map<number, SentMessage[]>();
    for (const s of o.sent) byUser.set(s.user, [...(byUser.get(s.user) ?? []), s]);
    const repliesByUser = new Map<number, ObservedReply[]>();
    for (const r of o.replies) repliesByUser.set(r.user, [...(repliesByUser.get(r.user) ?? []), r]);

    for (const [user, msgs] of byUser) {
      const history = await memory.getHistory(user, o.historyLimit);
      const memories = await memory.listMemories(user, { limit: 1000 });
      const replies = (repliesByUser.get(user) ?? []).sort((a, b) => a.at - b.at);
      check.unmatchedReplies += replies.filter((r) => r.seq === undefined).length;
      const order = replies.filter((r) => r.seq !== undefined).map((r) => r.seq!);
      for (let i = 1; i < order.length; i++) if (order[i]! < order[i - 1]!) check.outOfOrder++;
      const delivered = new Set(order).size;
      const assistantInHistory = history.filter((h) => h.role === "assistant").length;
      if (assistantInHistory !== delivered) check.assistantHistoryMismatch++;

      for (const s of msgs.filter((m) => m.accepted)) {
        check.accepted++;
        const inHistory = history.filter((h) => h.role === "user" && h.tgMessageId === s.messageId).length;
        const ref = `ref u${user} m${s.seq}`;
        const inMemory = memories.items.filter((m) => m.role === "user" && m.content.endsWith(ref)).length;
        if (inHistory === 0) check.lostHistory++;
        if (inMemory === 0) check.lostMemory++;
        if (inHistory > 1 || inMemory > 1) check.duplicateStored++;
        const n = order.filter((q) => q === s.seq).length;
        if (n === 0) check.missingReplies++;
        if (n > 1) check.duplicateReplies += n - 1;
        if (inHistory !== 1 || inMemory !== 1 || n !== 1)
          note(s, `history ${inHistory}, memories ${inMemory}, replies ${n}`);
      }
    }
    return check;
  } finally {
    memory.close();
    redis.disconnect();
  }
}
