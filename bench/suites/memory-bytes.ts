import type { Redis } from "ioredis";
import type { EmbeddingProvider } from "@/lib/embeddings";
import { createMemory } from "@/lib/memory";
import type { VectorEncoding } from "@/lib/memory/engines/types";
import type { VectorEngineName } from "@/lib/redis/probe";
import { deleteBenchPrefix, usedMemory } from "../lib/cleanup";
import type { BenchContext } from "../lib/context";
import { conversation } from "../lib/corpus";
import { pool } from "../lib/runner";
import { naiveAppend } from "./naive";

export interface BytesResult {
  engine: string;
  encoding: VectorEncoding | "float32 (plan)";
  messages: number;
  users: number;
  bytesPerMessage?: number;
  error?: string;
}

const USERS = 100;

/**
 * Bytes per stored message, all-in: INFO used_memory after − before ÷ messages, on a server
 * nobody else writes to. Messages are spread over 100 users (100 each = a full history list),
 * so the figure includes history, settings, users index, the memory record and the index.
 */
export async function measureBytes(ctx: BenchContext, o: { redis: Redis; engine: VectorEngineName; embedder: EmbeddingProvider; prefixBase: string }): Promise<BytesResult[]> {
  const n = ctx.sizes.memoryMessages;
  const msgs = conversation(n, 777);
  const out: BytesResult[] = [];
  for (const encoding of ["float32", "float16", "int8"] as const) {
    const prefix = `${o.prefixBase}${encoding}:`;
    const memory = createMemory({
      redis: o.redis, prefix, engine: o.engine, embedder: o.embedder,
      historyMax: 100, ttlDays: 30, longTermTtlDays: 30, maxMessageChars: 16000, encoding, algorithm: "HNSW",
    });
    const r: BytesResult = { engine: o.engine, encoding, messages: n, users: USERS };
    try {
      await memory.init();
      const before = await usedMemory(o.redis);
      await pool(msgs, 32, (m, i) => memory.appendMessage({ userId: 3_000_000 + (i % USERS), role: m.role, content: m.content }));
      r.bytesPerMessage = ((await usedMemory(o.redis)) - before) / n;
    } catch (e) {
      r.error = (e as Error).message.split(". ")[0];
    } finally {
      memory.close();
      await deleteBenchPrefix(o.redis, prefix);
    }
    ctx.log(`    bytes/message ${o.engine} ${encoding}: ${r.bytesPerMessage ? Math.round(r.bytesPerMessage) : r.error}`);
    out.push(r);
  }
  // The original plan's layout on the same server, for comparison.
  const prefix = `${o.prefixBase}naive:`;
  const append = naiveAppend(o.redis, prefix);
  const before = await usedMemory(o.redis);
  await pool(msgs, 32, (m, i) => append(3_000_000 + (i % USERS), m.role, m.content, ctx.bank.get(m.content)));
  out.push({ engine: "plan (list + hash per message)", encoding: "float32 (plan)", messages: n, users: USERS, bytesPerMessage: ((await usedMemory(o.redis)) - before) / n });
  await deleteBenchPrefix(o.redis, prefix);
  return out;
}
