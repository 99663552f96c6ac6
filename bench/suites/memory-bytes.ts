import type { Redis } from "ioredis";
import type { EmbeddingProvider } from "@/lib/embeddings";
import { createMemory } from "@/lib/memory";
import { prefixPattern, scanKeys } from "@/lib/redis/scan";
import { defaultEncoding } from "@/lib/memory/engines/encoding";
import type { VectorEncoding } from "@/lib/memory/engines/types";
import type { VectorEngineName } from "@/lib/memory/engines/choose";
import { deleteBenchPrefix, usedMemory } from "../lib/cleanup";
import type { BenchContext } from "../lib/context";
import { conversation } from "../lib/corpus";
import { pool } from "../lib/runner";
import { naiveAppend } from "./naive";

export interface BytesResult {
  engine: string;
  /** "default" = VECTOR_ENCODING unset (the engine's compact default, named in `resolved`). */
  encoding: VectorEncoding | "default" | "float32 (plan)";
  resolved?: VectorEncoding;
  messages: number;
  users: number;
  /** Memories per user (default-encoding rows: 100 and 1,000). */
  perUser?: number;
  bytesPerMessage?: number;
  /** MEMORY USAGE of the app's keys by kind ÷ messages (the pieces; the rest is allocator and dict overhead). */
  pieces?: Record<string, number>;
  error?: string;
}

const USERS = 100;

/** Key kind from its name under the run prefix: h, u, users, applied, m:s, m:c, m:vs, m:d, m:_meta, … */
function kindOf(rest: string): string {
  if (rest.startsWith("m:")) {
    const k = rest.split(":")[1]!;
    return `m:${k}`;
  }
  return rest.split(":")[0]!;
}

/** MEMORY USAGE (SAMPLES 0 = exact) of every key under the prefix, summed per kind. */
async function piecesOf(redis: Redis, prefix: string, messages: number): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  for await (const keys of scanKeys(redis, prefixPattern(prefix))) {
    const p = redis.pipeline();
    for (const k of keys) p.call("MEMORY", "USAGE", k, "SAMPLES", "0");
    const res = (await p.exec()) ?? [];
    keys.forEach((k, i) => {
      const kind = kindOf(k.slice(prefix.length));
      sums[kind] = (sums[kind] ?? 0) + Number(res[i]?.[1] ?? 0);
    });
  }
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, Math.round((v / messages) * 10) / 10]));
}

async function fill(
  o: { redis: Redis; engine: VectorEngineName; embedder: EmbeddingProvider },
  prefix: string,
  encoding: VectorEncoding | undefined,
  msgs: { role: "user" | "assistant"; content: string }[],
  users: number,
  r: BytesResult,
): Promise<void> {
  const memory = createMemory({
    redis: o.redis,
    prefix,
    engine: o.engine,
    embedder: o.embedder,
    historyMax: 100,
    ttlDays: 30,
    longTermTtlDays: 30,
    maxMessageChars: 16000,
    encoding,
    algorithm: "HNSW",
  });
  try {
    await memory.init();
    const before = await usedMemory(o.redis);
    await pool(msgs, 32, (m, i) =>
      memory.appendMessage({ userId: 3_000_000 + (i % users), role: m.role, content: m.content }),
    );
    r.bytesPerMessage = ((await usedMemory(o.redis)) - before) / msgs.length;
    r.pieces = await piecesOf(o.redis, prefix, msgs.length);
  } catch (e) {
    r.error = (e as Error).message.split(". ")[0];
  } finally {
    memory.close();
    await deleteBenchPrefix(o.redis, prefix);
  }
}

/**
 * Bytes per stored message, all-in: INFO used_memory after − before ÷ messages, on a server
 * nobody else writes to, so the figure includes history, settings, users index, replay guards,
 * the memory record and the index. Per explicit encoding: messages spread over 100 users (a full
 * history list each). With the default encoding: at 100 and at 1,000 memories per user (the
 * target is stated at 1,000), with the per-key-kind breakdown (`pieces`).
 */
export async function measureBytes(
  ctx: BenchContext,
  o: { redis: Redis; engine: VectorEngineName; embedder: EmbeddingProvider; prefixBase: string },
): Promise<BytesResult[]> {
  const n = ctx.sizes.memoryMessages;
  const out: BytesResult[] = [];
  for (const encoding of ["float32", "float16", "int8"] as const) {
    const r: BytesResult = { engine: o.engine, encoding, messages: n, users: USERS };
    await fill(o, `${o.prefixBase}${encoding}:`, encoding, conversation(n, 777), USERS, r);
    ctx.log(
      `    bytes/message ${o.engine} ${encoding}: ${r.bytesPerMessage ? Math.round(r.bytesPerMessage) : r.error}`,
    );
    out.push(r);
  }
  for (const perUser of [100, 1000]) {
    const users = Math.max(2, Math.ceil(n / perUser));
    const msgs = conversation(users * perUser, 778);
    const r: BytesResult = {
      engine: o.engine,
      encoding: "default",
      resolved: defaultEncoding(o.engine),
      messages: msgs.length,
      users,
      perUser,
    };
    await fill(o, `${o.prefixBase}default${perUser}:`, undefined, msgs, users, r);
    ctx.log(
      `    bytes/message ${o.engine} default (${r.resolved}) at ${perUser}/user: ${r.bytesPerMessage ? Math.round(r.bytesPerMessage) : r.error} ${JSON.stringify(r.pieces ?? {})}`,
    );
    out.push(r);
  }
  // The original plan's layout on the same server, for comparison.
  const msgs = conversation(n, 777);
  const prefix = `${o.prefixBase}naive:`;
  const append = naiveAppend(o.redis, prefix);
  const before = await usedMemory(o.redis);
  await pool(msgs, 32, (m, i) => append(3_000_000 + (i % USERS), m.role, m.content, ctx.bank.get(m.content)));
  out.push({
    engine: "plan (list + hash per message)",
    encoding: "float32 (plan)",
    messages: n,
    users: USERS,
    bytesPerMessage: ((await usedMemory(o.redis)) - before) / n,
  });
  await deleteBenchPrefix(o.redis, prefix);
  return out;
}
