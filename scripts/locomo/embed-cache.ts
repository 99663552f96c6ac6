import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { EmbeddingProvider } from "@/lib/embeddings";

/**
 * Eval-only: vectors kept on disk between runs, keyed by sha1(model id + exact text embedded),
 * so an iteration that changes fusion (or re-runs another engine) does not re-embed ~6k turns
 * on a shared machine. The key is the final text handed to the model, so a change of context
 * scheme is a different key, never a stale hit. File: <dir>/<model>.vec, records of
 * 20-byte key + dims float32, appended.
 */
export function withDiskCache(
  inner: EmbeddingProvider,
  dir: string,
): EmbeddingProvider & { hits: number; misses: number } {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${inner.id.replace(/[^\w.-]+/g, "_")}-${inner.dims}.vec`);
  const rec = 20 + inner.dims * 4;
  const cache = new Map<string, Float32Array>();
  if (existsSync(file)) {
    const buf = readFileSync(file);
    for (let o = 0; o + rec <= buf.length; o += rec) {
      const v = new Float32Array(inner.dims);
      for (let i = 0; i < inner.dims; i++) v[i] = buf.readFloatLE(o + 20 + i * 4);
      cache.set(buf.toString("hex", o, o + 20), v);
    }
  }
  const keyOf = (t: string) => createHash("sha1").update(inner.id).update("\0").update(t).digest("hex");
  const self = {
    id: inner.id,
    dims: inner.dims,
    hits: 0,
    misses: 0,
    status: () => inner.status(),
    warmUp: () => inner.warmUp(),
    async embed(texts: string[]): Promise<Float32Array[]> {
      const keys = texts.map(keyOf);
      const missing = [...new Set(texts.filter((_, i) => !cache.has(keys[i]!)))];
      self.hits += texts.length - missing.length;
      self.misses += missing.length;
      if (missing.length > 0) {
        const vectors = await inner.embed(missing);
        const out = Buffer.alloc(rec * missing.length);
        missing.forEach((t, j) => {
          const k = keyOf(t);
          cache.set(k, vectors[j]!);
          out.write(k, j * rec, "hex");
          vectors[j]!.forEach((x, i) => out.writeFloatLE(x, j * rec + 20 + i * 4));
        });
        appendFileSync(file, out);
      }
      return keys.map((k) => Float32Array.from(cache.get(k)!));
    },
  };
  return self;
}
