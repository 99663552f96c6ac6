import type { EngineHit, MemoryRecord } from "./engines/types";

/**
 * Hybrid fusion. Default: score-normalised convex combination — each ranker's scores are
 * min-max scaled over its own candidates (1 = its best, 0 = its worst or absent), then
 * fused = α·dense + (1−α)·lexical. Unlike rank fusion this keeps HOW MUCH better a ranker's
 * top hit is, so a strong BM25 match is not pulled down by a weak dense list (and vice versa).
 * Picked by leave-one-conversation-out on LoCoMo (scripts/locomo/explore.ts, docs/engines.md):
 * min-max ≈ z-score > max-scaling > RRF at every k. RRF (Cormack et al. 2009) stays available.
 */
export const FUSION_DEFAULTS = {
  method: "minmax" as "minmax" | "rrf",
  /** Dense share α of the min-max fusion (LOO picked 0.4 in every fold; plateau 0.3–0.5). */
  alpha: 0.4,
  /**
   * BM25's single best match stays first. At rank 1 a fused list is slightly WORSE than BM25
   * alone (LOO @1 0.306 vs 0.317: one exact keyword hit beats any blend there); pinning it
   * makes hybrid@1 = lexical@1 and changes @5–@20 by < 0.001.
   */
  pinLexicalTop: true,
  /** RRF constant (method "rrf"): small k trusts each list's top ranks. */
  k: 5,
  /** Candidates each ranker returns before fusion (recall's engine k); 30–100 all within 0.005. */
  candidates: 50,
  /** RRF list weights (method "rrf"). */
  weights: { dense: 0.75, lexical: 1 },
};

export interface FuseOptions {
  method?: "minmax" | "rrf";
  /** Dense share of the min-max fusion, 0..1. */
  alpha?: number;
  k?: number;
  weights?: { dense?: number; lexical?: number };
  /** Keep the lexical list's first hit first (default FUSION_DEFAULTS.pinLexicalTop). */
  pinLexicalTop?: boolean;
  /** Keep at most this many fused hits. */
  limit?: number;
}

export interface FusedHit {
  record: MemoryRecord;
  /** Fused score (higher is better): 0..1 for min-max, RRF sum for rrf. */
  score: number;
  /** Cosine similarity when the dense ranker returned the record. */
  similarity?: number;
}

/** Plain RRF over ranked id lists, optional per-list weights (default 1 each); ties broken by id. Prefer fuse(). */
export function rrf(
  lists: string[][],
  k: number = FUSION_DEFAULTS.k,
  weights?: number[],
): { id: string; score: number }[] {
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
  const method = opts.method ?? (opts.k !== undefined || opts.weights ? "rrf" : FUSION_DEFAULTS.method);
  const fused =
    method === "rrf"
      ? rrf([dense.map((h) => h.record.id), lexical.map((h) => h.record.id)], opts.k ?? FUSION_DEFAULTS.k, [
          opts.weights?.dense ?? FUSION_DEFAULTS.weights.dense,
          opts.weights?.lexical ?? FUSION_DEFAULTS.weights.lexical,
        ])
      : minmaxFusion(dense, lexical, opts.alpha ?? FUSION_DEFAULTS.alpha);
  const top = lexical[0]?.record.id;
  if (
    (opts.pinLexicalTop ?? (method === "minmax" && FUSION_DEFAULTS.pinLexicalTop)) &&
    top !== undefined &&
    fused[0]?.id !== top
  ) {
    const at = fused.findIndex((f) => f.id === top);
    fused.unshift(...fused.splice(at, 1));
  }
  return fused.slice(0, opts.limit ?? fused.length).map(({ id, score }) => {
    const sim = similarity.get(id);
    return { record: records.get(id)!, score, ...(sim === undefined ? {} : { similarity: sim }) };
  });
}

/** Each list's scores scaled to 0..1 over its own hits (all 1 when they are equal); first occurrence wins. */
function minmaxScaled(hits: EngineHit[]): Map<string, number> {
  const out = new Map<string, number>();
  if (hits.length === 0) return out;
  let max = -Infinity;
  let min = Infinity;
  for (const h of hits) {
    max = Math.max(max, h.score);
    min = Math.min(min, h.score);
  }
  for (const h of hits) if (!out.has(h.record.id)) out.set(h.record.id, max > min ? (h.score - min) / (max - min) : 1);
  return out;
}

/** α·minmax(dense) + (1−α)·minmax(lexical), absent = 0; ties broken by id. */
export function minmaxFusion(
  dense: EngineHit[],
  lexical: EngineHit[],
  alpha: number = FUSION_DEFAULTS.alpha,
): { id: string; score: number }[] {
  const a = Math.min(1, Math.max(0, alpha));
  const d = minmaxScaled(dense);
  const l = minmaxScaled(lexical);
  const scores = new Map<string, number>();
  for (const [id, x] of d) scores.set(id, a * x);
  for (const [id, x] of l) scores.set(id, (scores.get(id) ?? 0) + (1 - a) * x);
  return [...scores]
    .map(([id, score]) => ({ id, score }))
    .sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}
