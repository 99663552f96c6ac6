import { bm25Idf, bm25Norm, bm25Term, tokenize } from "../lexical";

/**
 * An incremental BM25 inverted index over one user's memories (document = slot number).
 * Documents are only ever appended (a user's memories are replaced wholesale on forget /
 * reindex, which rebuilds the index), so every posting list is sorted by slot and a slot's
 * membership is a binary search. Scores equal lib/memory/lexical/bm25.ts bit for bit: same
 * tokenizer (the exported one, never a copy), same formulas, terms added in query order, and
 * excluded documents taken out of n, avgdl and df exactly as if they had not been fetched.
 * minisearch was the other candidate; its BM25+ variant and field boosts would not reproduce
 * the exact ranking, and this index is ~100 lines.
 */

interface Postings {
  slots: number[];
  tfs: number[];
}

export class LexicalIndex {
  private readonly postings = new Map<string, Postings>();
  private lengths: Uint32Array = new Uint32Array(64);
  private count = 0;
  private scratch = new Float64Array(64);
  private total = 0;
  /** Posting entries held, for the cache's byte estimate. */
  entries = 0;

  /** Adds document `slot` (must be the next slot: 0, 1, 2, …). */
  add(slot: number, text: string): void {
    if (slot !== this.count) throw new Error(`lexical index: slot ${slot} out of order (expected ${this.count})`);
    const toks = tokenize(text);
    if (slot >= this.lengths.length) {
      const grown = new Uint32Array(this.lengths.length * 2);
      grown.set(this.lengths);
      this.lengths = grown;
    }
    this.lengths[slot] = toks.length;
    this.total += toks.length;
    this.count++;
    const tf = new Map<string, number>();
    for (const t of toks) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, f] of tf) {
      let p = this.postings.get(t);
      if (!p) this.postings.set(t, (p = { slots: [], tfs: [] }));
      p.slots.push(slot);
      p.tfs.push(f);
      this.entries++;
    }
  }

  get size(): number {
    return this.count;
  }

  /**
   * BM25 scores of the documents matching any query term, excluding `excluded` slots (which
   * also leave the corpus statistics). Returns [slot, score] pairs in no particular order.
   */
  search(query: string, excluded: number[] = []): { slot: number; score: number }[] {
    const terms = [...new Set(tokenize(query))];
    if (terms.length === 0) return [];
    const ex = excluded.length ? new Set(excluded) : undefined;
    let n = this.count;
    let total = this.total;
    if (ex) {
      for (const s of ex) {
        n--;
        total -= this.lengths[s]!;
      }
    }
    if (n <= 0) return [];
    const avg = total / n || 1;
    // dense scratch + touched list: much faster than a Map for thousands of matching documents
    if (this.scratch.length < this.count) this.scratch = new Float64Array(this.lengths.length);
    const scores = this.scratch;
    const touched: number[] = [];
    for (const t of terms) {
      const p = this.postings.get(t);
      if (!p) continue;
      let df = p.slots.length;
      if (ex) for (const s of ex) if (contains(p.slots, s)) df--;
      if (df <= 0) continue;
      const idf = bm25Idf(n, df);
      const { slots, tfs } = p;
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i]!;
        if (ex?.has(s)) continue;
        if (scores[s] === 0) touched.push(s); // every BM25 term is > 0 (idf > 0, tf ≥ 1)
        scores[s] = scores[s]! + bm25Term(idf, tfs[i]!, bm25Norm(this.lengths[s]!, avg));
      }
    }
    const out: { slot: number; score: number }[] = new Array(touched.length);
    for (let i = 0; i < touched.length; i++) {
      const slot = touched[i]!;
      out[i] = { slot, score: scores[slot]! };
      scores[slot] = 0;
    }
    return out;
  }
}

function contains(sorted: number[], x: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
