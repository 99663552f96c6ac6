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
      // Take the cached vectors now: while this call awaits the model, concurrent calls may
      // evict them (the cache is small and a busy process embeds many texts at once).
      const known = new Map<string, Float32Array>();
      for (const t of texts) {
        const v = cache.get(t);
        if (v) known.set(t, v);
      }
      const missing = [...new Set(texts.filter((t) => !known.has(t)))];
      if (missing.length > 0) {
        const vectors = await inner.embed(missing);
        missing.forEach((t, i) => known.set(t, vectors[i]!));
      }
      const out = texts.map((t) => Float32Array.from(known.get(t)!));
      for (const t of texts) {
        cache.delete(t);
        cache.set(t, known.get(t)!);
      }
      for (const oldest of cache.keys()) {
        if (cache.size <= size) break;
        cache.delete(oldest);
      }
      return out;
    },
  };
}
