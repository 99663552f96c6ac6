import { createRequire } from "node:module";
import path from "node:path";

/**
 * One user's vectors in one contiguous Float32Array (slot-major), with each vector's squared
 * norm precomputed. Scores equal packedCosine() (codec.ts) bit for bit: the stored values are
 * the packed record's raw values (float32 as is, float16 decoded exactly, int8 unscaled — the
 * cosine does not depend on the scale) and the dot product is summed in the same order.
 *
 * Large users are pre-ranked with usearch's SIMD exact search (float32, one thread), then the
 * candidates are re-scored exactly. The candidate list is proven sufficient: any vector outside
 * it scores (approximately) at most the last candidate's score, and usearch's float32 error is
 * far below EPS, so if the k-th exact score beats that by EPS nothing outside can outrank it.
 * Otherwise (or without the native binary) the plain loop scores every vector.
 */

type ExactSearch = (
  data: Float32Array,
  query: Float32Array,
  dims: number,
  count: number,
  metric: string,
  threads: number,
) => { keys: BigUint64Array; distances: Float32Array };
type Native = { exactSearch: ExactSearch; cos: string };

let native: Native | null = null;
let loading: Promise<void> | undefined;

type UsearchModule = { exactSearch: unknown; MetricKind: { Cos: string } };

/**
 * usearch's CommonJS build, required from the app's node_modules (standalone server, Vercel,
 * tsx): its ESM build locates the .node binary from the caller's path, which fails inside a
 * bundled server. import() is the fallback.
 */
async function importUsearch(): Promise<UsearchModule> {
  try {
    return createRequire(path.join(process.cwd(), "noop.js"))("usearch") as UsearchModule;
  } catch {
    return (await import("usearch")) as UsearchModule;
  }
}

/** Loads usearch's prebuilt binary once; until then, or if it fails, the loop runs. */
export function loadNative(): Promise<boolean> {
  loading ??= importUsearch()
    .then((mod) => {
      native = { exactSearch: mod.exactSearch as ExactSearch, cos: mod.MetricKind.Cos };
    })
    .catch(() => {
      native = null;
    });
  return loading.then(() => native !== null);
}

/** Below this many vectors the plain loop is as fast as a native call. */
const NATIVE_MIN = 512;
const EPS = 1e-4;

export interface DenseScore {
  slot: number;
  score: number;
}

export class DenseIndex {
  private data: Float32Array;
  private norms: Float64Array;
  /** Slot in the user's record list of each vector (records without a usable vector have none). */
  private slotOf: Int32Array;
  private count = 0;
  private zeroNorms = 0;

  constructor(readonly dims: number) {
    this.data = new Float32Array(dims * 64);
    this.norms = new Float64Array(64);
    this.slotOf = new Int32Array(64);
    void loadNative();
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.data.byteLength + this.norms.byteLength + this.slotOf.byteLength;
  }

  add(slot: number, v: Float32Array): void {
    if (this.count === this.norms.length) this.grow();
    const at = this.count * this.dims;
    this.data.set(v, at);
    let n = 0;
    for (let i = 0; i < this.dims; i++) {
      const x = this.data[at + i]!;
      n += x * x;
    }
    this.norms[this.count] = n;
    this.slotOf[this.count] = slot;
    if (!(n > 0)) this.zeroNorms++;
    this.count++;
  }

  /** Room for `n` vectors in total (a fill knows its count: no doubling slack). */
  reserve(n: number): void {
    if (n > this.norms.length) this.grow(n);
  }

  private grow(to = Math.ceil(this.norms.length * 1.5)): void {
    const cap = to;
    const data = new Float32Array(cap * this.dims);
    data.set(this.data);
    const norms = new Float64Array(cap);
    norms.set(this.norms);
    const slotOf = new Int32Array(cap);
    slotOf.set(this.slotOf);
    this.data = data;
    this.norms = norms;
    this.slotOf = slotOf;
  }

  /** packedCosine of vector j with the unit query. */
  private exact(query: Float32Array, j: number): number {
    const at = j * this.dims;
    const data = this.data;
    let d = 0;
    for (let i = 0; i < this.dims; i++) d += query[i]! * data[at + i]!;
    const n = this.norms[j]!;
    return n > 0 ? d / Math.sqrt(n) : 0;
  }

  /** The best `k` not in `excluded` (slots), each with its exact score; unordered. */
  search(query: Float32Array, k: number, excluded: Set<number>, useNative = true): DenseScore[] {
    if (k <= 0 || this.count === 0) return [];
    const lib = useNative && this.count >= NATIVE_MIN && this.zeroNorms === 0 ? native : null;
    if (lib) {
      const m = Math.min(this.count, 2 * (k + excluded.size) + 32);
      if (m < this.count) {
        const res = lib.exactSearch(this.data.subarray(0, this.count * this.dims), query, this.dims, m, lib.cos, 1);
        const out: DenseScore[] = [];
        for (let i = 0; i < res.keys.length; i++) {
          const j = Number(res.keys[i]);
          const slot = this.slotOf[j]!;
          if (!excluded.has(slot)) out.push({ slot, score: this.exact(query, j) });
        }
        out.sort((a, b) => b.score - a.score);
        const lastApprox = 1 - res.distances[res.keys.length - 1]!;
        if (res.keys.length === m && out.length >= k && out[k - 1]!.score > lastApprox + EPS) return out;
      }
    }
    const out: DenseScore[] = [];
    for (let j = 0; j < this.count; j++) {
      const slot = this.slotOf[j]!;
      if (!excluded.has(slot)) out.push({ slot, score: this.exact(query, j) });
    }
    return out;
  }
}
