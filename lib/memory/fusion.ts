import type { EngineHit, MemoryRecord } from "./engines/types";

/**
 * Reciprocal rank fusion (Cormack et al. 2009): score(d) = Σ_lists w_list / (k + rank_list(d)).
 * Ranks only, so cosine (−1..1) and BM25 (unbounded) never need calibrating against each other.
 * Defaults tuned on LoCoMo (scripts/eval-locomo.ts, docs/engines.md).
 */
export const FUSION_DEFAULTS = {
  /**
   * RRF constant. The textbook 60 flattens ranks so much that the weaker ranker (dense MiniLM,
   * recall@10 0.44 vs BM25 0.62 on LoCoMo) drags good lexical hits down: hybrid 0.56. k = 5
   * trusts each list's top ranks: hybrid 0.650 (plateau k 3–8, dense weight 0.6–0.9).
   */
  k: 5,
  /** Candidates each ranker returns before fusion (recall's engine k); 30–100 all within 0.005. */
  candidates: 50,
  /** Dense counts a bit less than lexical on conversational recall (LoCoMo sweep). */
  weights: { dense: 0.75, lexical: 1 },
} as const;

export interface FuseOptions {
  k?: number;
  weights?: { dense?: number; lexical?: number };
  /** Keep at most this many fused hits. */
  limit?: number;
}

export interface FusedHit {
  record: MemoryRecord;
  /** RRF score (higher is better). */
  score: number;
  /** Cosine similarity when the dense ranker returned the record. */
  similarity?: number;
}

/** Plain RRF over ranked id lists, optional per-list weights (default 1 each); ties broken by id. Prefer fuse(). */
export function rrf(lists: string[][], k: number = FUSION_DEFAULTS.k, weights?: number[]): { id: string; score: number }[] {
  const scores = new Map<string, number>();
  lists.forEach((list, li) => {
    const w = weights?.[li] ?? 1;
    if (w === 0) return;
    const seen = new Set<string>();
    list.forEach((id, rank) => {
      if (seen.has(id)) return; // a duplicate in one list counts once, at its best rank
      seen.add(id);
      scores.set(id, (scores.get(id) ?? 0) + w / (k + rank + 1));
    });
  });
  return [...scores]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Fuses dense and lexical engine hits into one ranking; each list must be best-first. */
export function fuse(dense: EngineHit[], lexical: EngineHit[], opts: FuseOptions = {}): FusedHit[] {
  const records = new Map<string, MemoryRecord>();
  const similarity = new Map<string, number>();
  for (const h of dense) {
    records.set(h.record.id, h.record);
    if (!similarity.has(h.record.id)) similarity.set(h.record.id, h.score);
  }
  for (const h of lexical) if (!records.has(h.record.id)) records.set(h.record.id, h.record);
  const weights = [opts.weights?.dense ?? FUSION_DEFAULTS.weights.dense, opts.weights?.lexical ?? FUSION_DEFAULTS.weights.lexical];
  const fused = rrf([dense.map((h) => h.record.id), lexical.map((h) => h.record.id)], opts.k ?? FUSION_DEFAULTS.k, weights);
  return fused.slice(0, opts.limit ?? fused.length).map(({ id, score }) => {
    const sim = similarity.get(id);
    return { record: records.get(id)!, score, ...(sim === undefined ? {} : { similarity: sim }) };
  });
}
