/** What the memory layer needs from an embedding model. */
export interface EmbeddingProvider {
  /** Stable id stored with every index, e.g. `local:Xenova/all-MiniLM-L6-v2`. */
  readonly id: string;
  readonly dims: number;
  /** Unit-length vectors, one per text, in order. Batches internally. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /** Load state for /api/health. */
  status(): EmbedderStatus;
  /** Start loading now (idempotent) so the first message does not wait. */
  warmUp(): Promise<void>;
}

export interface EmbedderStatus {
  provider: "local" | "openai";
  model: string;
  dims: number;
  loaded: boolean;
  loadMs?: number;
  error?: string;
}

/** Cosine similarity of two unit vectors is their dot product. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const n = Math.sqrt(s) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}
