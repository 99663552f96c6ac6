import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import type { EmbeddingProvider } from "@/lib/embeddings";
import { createMemory, type CreateMemoryOptions } from "@/lib/memory";
import type { TestServer } from "./servers";

/**
 * NOT a language model: a deterministic bag-of-words embedder (each lower-cased word hashed to
 * one of `dims` buckets, then L2-normalised). Texts sharing words are similar, others are not.
 * Only for structural tests where semantics do not matter; semantic tests use testEmbedder().
 */
export function hashBagEmbedder(
  opts: { dims?: number; id?: string } = {},
): EmbeddingProvider & { calls: number; texts: number } {
  const dims = opts.dims ?? 384;
  const self = {
    id: opts.id ?? "test:hash-bag-of-words",
    dims,
    calls: 0,
    texts: 0,
    async embed(texts: string[]) {
      self.calls += 1;
      self.texts += texts.length;
      return texts.map((t) => {
        const v = new Float32Array(dims);
        for (const w of t.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
          const h = createHash("sha1").update(w).digest();
          v[h.readUInt32LE(0) % dims]! += h[4]! & 1 ? 1 : -1;
        }
        let n = 0;
        for (const x of v) n += x * x;
        n = Math.sqrt(n);
        if (n === 0) v[0] = 1;
        else for (let i = 0; i < dims; i++) v[i]! /= n;
        return v;
      });
    },
    status: () => ({ provider: "local" as const, model: "hash-bag", dims, loaded: true }),
    warmUp: async () => undefined,
  };
  return self;
}

/**
 * Counts network round trips of an ioredis client: a command sent on its own is one; a
 * pipeline or MULTI (all its commands written to the socket at once) is one.
 */
export function roundTripCounter(redis: Redis): { readonly count: number; reset(): void; restore(): void } {
  const original = redis.sendCommand.bind(redis);
  const seen = new WeakSet<object>();
  let count = 0;
  redis.sendCommand = ((command: unknown, stream?: { isPipeline?: boolean }) => {
    if (stream && stream.isPipeline) {
      if (!seen.has(stream)) {
        seen.add(stream);
        count += 1;
      }
    } else {
      count += 1;
    }
    return original(command as never, stream as never);
  }) as Redis["sendCommand"];
  return {
    get count() {
      return count;
    },
    reset() {
      count = 0;
    },
    restore() {
      redis.sendCommand = original;
    },
  };
}

/** Facade options for a test server (engine from the matrix, small limits, unique prefix). */
export function memoryOptions(
  server: TestServer,
  redis: Redis,
  prefix: string,
  over: Partial<CreateMemoryOptions> = {},
): CreateMemoryOptions {
  return {
    redis,
    prefix,
    engine: server.engine,
    embedder: hashBagEmbedder(),
    historyMax: 100,
    ttlDays: 30,
    longTermTtlDays: 30,
    maxMessageChars: 16_000,
    encoding: "float32",
    algorithm: "FLAT",
    journal: { max: 1000 },
    ...over,
  };
}

export async function testMemory(
  server: TestServer,
  redis: Redis,
  prefix: string,
  over: Partial<CreateMemoryOptions> = {},
) {
  const memory = createMemory(memoryOptions(server, redis, prefix, over));
  await memory.init();
  return memory;
}
