import { tokenize } from "./tokenize";

/**
 * Okapi BM25 over a small in-memory corpus (one user's memories, fetched in one round trip).
 * Used by the scan and vector-set engines; RediSearch scores its own TEXT field with BM25.
 * Keeping no inverted index in Redis costs 0 extra bytes per message; the price is tokenizing
 * the user's texts per query (~1 ms per 1,000 short messages).
 */

export interface Bm25Options {
  k1?: number;
  b?: number;
}

export interface Bm25Doc<T> {
  item: T;
  text: string;
}

export function bm25Search<T>(query: string, docs: Bm25Doc<T>[], k: number, opts: Bm25Options = {}): { item: T; score: number }[] {
  const terms = [...new Set(tokenize(query))];
  if (terms.length === 0 || docs.length === 0 || k <= 0) return [];
  const k1 = opts.k1 ?? 1.2;
  const b = opts.b ?? 0.75;
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
  for (const [t, d] of df) idf.set(t, Math.log(1 + (n - d + 0.5) / (d + 0.5)));

  const scored: { item: T; score: number }[] = [];
  for (let i = 0; i < n; i++) {
    const tf = tfs[i];
    if (!tf) continue;
    let s = 0;
    const norm = k1 * (1 - b + (b * lengths[i]!) / avg);
    for (const [t, f] of tf) s += idf.get(t)! * ((f * (k1 + 1)) / (f + norm));
    scored.push({ item: docs[i]!.item, score: s });
  }
  scored.sort((x, y) => y.score - x.score);
  return scored.slice(0, k);
}
