import type { EmbeddingProvider } from "./types";

/**
 * Remembers the vectors of the most recent texts. A conversation turn embeds the user's message
 * twice — once to store it, once as the recall query — and the model's inference is most of a
 * turn's CPU time, so the second lookup is served from here. Callers get copies, so a caller
 * that quantises or normalises in place cannot corrupt the cache.
 */
export function withRecentCache(inner: EmbeddingProvider, size = 128): EmbeddingProvider {
  const cache = new Map<string, Float32Array>(); // insertion order = least recently used first

  return {
    id: inner.id,
    dims: inner.dims,
    status: () => inner.status(),
    warmUp: () => inner.warmUp(),
    async embed(texts) {
      const missing = [...new Set(texts.filter((t) => !cache.has(t)))];
      const fresh = new Map<string, Float32Array>();
      if (missing.length > 0) {
        const vectors = await inner.embed(missing);
        missing.forEach((t, i) => fresh.set(t, vectors[i]!));
      }
      const out = texts.map((t) => Float32Array.from(fresh.get(t) ?? cache.get(t)!));
      for (const t of texts) {
        const v = fresh.get(t) ?? cache.get(t)!;
        cache.delete(t);
        cache.set(t, v);
      }
      for (const oldest of cache.keys()) {
        if (cache.size <= size) break;
        cache.delete(oldest);
      }
      return out;
    },
  };
}
