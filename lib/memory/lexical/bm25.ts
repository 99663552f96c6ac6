import { tokenize } from "./tokenize";

/**
 * Okapi BM25 over a small in-memory corpus (one user's memories, fetched in one round trip).
 * Used by the scan and vector-set engines when the recall cache is off or bypassed (global
 * search); RediSearch scores its own TEXT field with BM25. The recall cache's inverted index
 * (lib/memory/recall-cache/lexical-index.ts) computes the very same numbers incrementally: both
 * use `bm25Idf` / `bm25Norm` / `bm25Term` and add a document's terms in query-term order, so
 * the floating-point sums are bit-identical.
 */

export interface Bm25Options {
  k1?: number;
  b?: number;
}

export interface Bm25Doc<T> {
  item: T;
  text: string;
  /** Equal scores rank by id ascending when given (input order otherwise). */
  id?: string;
}

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

export function bm25Idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** Length normalisation of one document: k1 · (1 − b + b · len / avgdl). */
export function bm25Norm(length: number, avg: number, k1 = BM25_K1, b = BM25_B): number {
  return k1 * (1 - b + (b * length) / avg);
}

export function bm25Term(idf: number, tf: number, norm: number, k1 = BM25_K1): number {
  return idf * ((tf * (k1 + 1)) / (tf + norm));
}

/** Score descending, then id ascending (when both have one): the order every lexical path returns. */
export function byScoreThenId(x: { score: number; id?: string }, y: { score: number; id?: string }): number {
  return y.score - x.score || (x.id === undefined || y.id === undefined ? 0 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
}

export function bm25Search<T>(
  query: string,
  docs: Bm25Doc<T>[],
  k: number,
  opts: Bm25Options = {},
): { item: T; score: number }[] {
  const terms = [...new Set(tokenize(query))];
  if (terms.length === 0 || docs.length === 0 || k <= 0) return [];
  const k1 = opts.k1 ?? BM25_K1;
  const b = opts.b ?? BM25_B;
  const wanted = new Set(terms);

  // One pass: per-doc term frequencies of the query terms only, plus lengths and df.
  const tfs: (Map<string, number> | undefined)[] = new Array(docs.length);
  const lengths = new Float64Array(docs.length);
  const df = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < docs.length; i++) {
    const toks = tokenize(docs[i]!.text);
    lengths[i] = toks.length;
    total += toks.length;
    let tf: Map<string, number> | undefined;
    for (const t of toks) {
      if (!wanted.has(t)) continue;
      tf ??= new Map();
      tf.set(t, (tf.get(t) ?? 0) + 1);
    }
    tfs[i] = tf;
    if (tf) for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const n = docs.length;
  const avg = total / n || 1;
  const idf = new Map<string, number>();
  for (const [t, d] of df) idf.set(t, bm25Idf(n, d));

  const scored: { item: T; score: number; id?: string }[] = [];
  for (let i = 0; i < n; i++) {
    const tf = tfs[i];
    if (!tf) continue;
    let s = 0;
    const norm = bm25Norm(lengths[i]!, avg, k1, b);
    for (const t of terms) {
      const f = tf.get(t);
      if (f !== undefined) s += bm25Term(idf.get(t)!, f, norm, k1);
    }
    scored.push({ item: docs[i]!.item, score: s, id: docs[i]!.id });
  }
  scored.sort(byScoreThenId);
  return scored.slice(0, k).map(({ item, score }) => ({ item, score }));
}
