import type { EmbedderStatus, EmbeddingProvider } from "@/lib/embeddings";
import { l2normalize } from "@/lib/embeddings/types";
import { rng } from "./corpus";

/**
 * Precomputed vectors so storage benchmarks measure Redis + our code, not the model.
 *
 * "real": a few hundred anchor sentences embedded ONCE with the real model; each text then
 * gets its anchor (by hash) plus small Gaussian noise, renormalised — clustered like real
 * embeddings (cosine to its anchor ≈ 0.9), which matters for HNSW and vector sets.
 * "random": uniform random unit vectors, when no model is available.
 */
export type VectorSource = "real" | "random";

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
}

export class VectorBank {
  private readonly cache = new Map<string, Float32Array>();
  misses = 0;

  constructor(
    readonly source: VectorSource,
    private readonly anchors: Float32Array[],
    readonly dims: number,
    /** Per-dimension noise; 0.025 × √384 ≈ 0.49 → cosine to the anchor ≈ 0.9. */
    private readonly noise = 0.025,
  ) {}

  private make(text: string): Float32Array {
    const h = hash(text);
    const r = rng(h);
    const v = new Float32Array(this.dims);
    if (this.source === "real") {
      const a = this.anchors[h % this.anchors.length]!;
      for (let i = 0; i < this.dims; i++) v[i] = a[i]! + this.noise * gaussian(r);
    } else {
      for (let i = 0; i < this.dims; i++) v[i] = gaussian(r);
    }
    return l2normalize(v);
  }

  /** Computes vectors ahead of the timed part. */
  precompute(texts: Iterable<string>): void {
    for (const t of texts) if (!this.cache.has(t)) this.cache.set(t, this.make(t));
  }

  /** Precomputed vector, or (bulk loading, untimed) one computed now and not kept. */
  get(text: string): Float32Array {
    const v = this.cache.get(text);
    if (v) return v;
    this.misses++;
    return this.make(text);
  }

  /** Frees the precomputed vectors (100k of them are 150 MB). */
  clear(): void {
    this.cache.clear();
    this.misses = 0;
  }

  /** An EmbeddingProvider that answers from the bank (microseconds, no model). */
  embedder(id: string): EmbeddingProvider {
    const status: EmbedderStatus = { provider: "local", model: id, dims: this.dims, loaded: true, loadMs: 0 };
    return {
      id,
      dims: this.dims,
      embed: async (texts) => texts.map((t) => this.get(t)),
      status: () => status,
      warmUp: async () => undefined,
    };
  }
}

/** Builds the bank from the real model when given, else random unit vectors. */
export async function createVectorBank(
  model: EmbeddingProvider | undefined,
  anchorTexts: string[],
  dims = 384,
): Promise<VectorBank> {
  if (!model) return new VectorBank("random", [], dims);
  const anchors = await model.embed(anchorTexts);
  return new VectorBank("real", anchors, model.dims);
}

/**
 * The bench embedder: precomputed vectors, or — while `live` is true — the real model (to
 * measure recall including the query embedding). Same id as the real model when there is one,
 * so an index built with bank vectors accepts it.
 */
export function switchableEmbedder(
  bank: VectorBank,
  real: EmbeddingProvider | undefined,
): EmbeddingProvider & { live: boolean } {
  const base = bank.embedder(real?.id ?? "bench:random-unit-vectors");
  const e = {
    ...base,
    live: false,
    embed: (texts: string[]) => (e.live && real ? real.embed(texts) : base.embed(texts)),
  };
  return e;
}
