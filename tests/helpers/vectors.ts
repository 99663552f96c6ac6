/**
 * Deterministic test vectors for engine tests (no model): a seeded PRNG, random unit vectors,
 * clustered ones (centroid + noise, like real embeddings of related messages) and the exact
 * cosine ranking every engine is compared against.
 */

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal via Box–Muller. */
export function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export function normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}

export function randomUnit(rand: () => number, dims: number): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = gaussian(rand);
  return normalize(v);
}

/** `center` plus Gaussian noise of relative size `spread`, normalised. */
export function around(rand: () => number, center: Float32Array, spread: number): Float32Array {
  const v = new Float32Array(center.length);
  const s = spread / Math.sqrt(center.length);
  for (let i = 0; i < v.length; i++) v[i] = center[i]! + gaussian(rand) * s;
  return normalize(v);
}

/**
 * `n` vectors: a share of pure random ones, the rest in `clusters` clusters of varying
 * tightness — neighbours at many distances, as with sentence embeddings.
 */
export function clusteredVectors(
  rand: () => number,
  n: number,
  dims: number,
  opts: { clusters?: number; randomShare?: number } = {},
): Float32Array[] {
  const clusters = Array.from({ length: opts.clusters ?? Math.max(1, Math.round(n / 50)) }, () =>
    randomUnit(rand, dims),
  );
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    if (rand() < (opts.randomShare ?? 0.2)) out.push(randomUnit(rand, dims));
    else out.push(around(rand, clusters[Math.floor(rand() * clusters.length)]!, 0.6 + rand() * 0.8));
  }
  return out;
}

/**
 * Vectors shaped like sentence embeddings: low intrinsic dimension (a `latent`-dim topic space
 * projected into `dims`), topic clusters, a shared offset (embeddings are anisotropic) and a
 * little isotropic noise. Unrelated pairs have cosine ≈ 0.1–0.3, near neighbours 0.7–0.95 —
 * unlike uniform noise, where every neighbour is equally far and ANN recall means nothing.
 * `sample(rand)` draws one more vector from the same distribution (for queries).
 */
export function embeddingLike(rand: () => number, dims: number, opts: { latent?: number; topics?: number } = {}) {
  const latent = opts.latent ?? 48;
  const basis = Array.from({ length: latent }, () => randomUnit(rand, dims));
  const offset = randomUnit(rand, dims);
  const topics = Array.from({ length: opts.topics ?? 100 }, () =>
    Float32Array.from({ length: latent }, () => gaussian(rand)),
  );
  const sample = (r: () => number): Float32Array => {
    const t = topics[Math.floor(r() * topics.length)]!;
    const spread = 0.4 + r() * 0.6;
    const v = new Float32Array(dims);
    for (let j = 0; j < latent; j++) {
      const z = t[j]! + gaussian(r) * spread;
      const b = basis[j]!;
      for (let i = 0; i < dims; i++) v[i]! += z * b[i]!;
    }
    const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    for (let i = 0; i < dims; i++) v[i] = v[i]! / n + 0.35 * offset[i]! + ((gaussian(r) * 0.08) / Math.sqrt(dims)) * 3;
    return normalize(v);
  };
  return { sample, vectors: (n: number) => Array.from({ length: n }, () => sample(rand)) };
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return d / Math.sqrt(na * nb);
}

/** Exact top-k by cosine (ties by id), the reference every engine must match. */
export function exactTopK(
  query: Float32Array,
  items: { id: string; vector: Float32Array }[],
  k: number,
): { id: string; score: number }[] {
  return items
    .map((it) => ({ id: it.id, score: cosine(query, it.vector) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, k);
}

/** |found ∩ truth| / |truth|. */
export function recallAt(found: string[], truth: string[]): number {
  const t = new Set(truth);
  return truth.length ? found.filter((id) => t.has(id)).length / truth.length : 1;
}
