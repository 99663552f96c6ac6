import { z } from "zod";
import { AppError } from "../errors";
import type { MemoryContext } from "./context";
import type { EngineHit } from "./engines/types";
import { FUSION_DEFAULTS, fuse } from "./fusion";
import { withRedis } from "./redis-errors";
import { cleanText, isBlank } from "./text";
import type { MemoryHit, RecallQuery, RecallResult } from "./types";

/** Candidates asked from each ranker before fusion/cut (k' = max(k, 50)), so fusion has overlap to work with. */
const CANDIDATES = FUSION_DEFAULTS.candidates;

const querySchema = z.object({
  userId: z.number().int().positive().refine(Number.isSafeInteger, { error: "must be a safe integer" }).optional(),
  query: z.string().max(100_000),
  k: z.number().int().min(1).max(100).default(5),
  minScore: z.number().min(0).max(1).default(0),
  mode: z.enum(["dense", "lexical", "hybrid"]).default("hybrid"),
  excludeIds: z.array(z.string().max(200)).max(10_000).optional(),
});

/** Equal scores in id order, so ANN engines that return ties in any order still rank (and fuse) the same. */
function byScoreThenId(a: EngineHit, b: EngineHit): number {
  return b.score - a.score || (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0);
}

function toHit(h: EngineHit, score: number, similarity: number | undefined): MemoryHit {
  const r = h.record;
  return {
    id: r.id,
    userId: r.userId,
    role: r.role,
    content: r.content,
    ts: new Date(r.ts).toISOString(),
    score,
    ...(similarity === undefined ? {} : { similarity }),
    ...(r.meta && Object.keys(r.meta).length > 0 ? { meta: r.meta } : {}),
  };
}

/**
 * Long-term recall: dense (cosine), lexical (BM25) or hybrid (both, fused with reciprocal rank
 * fusion). minScore filters dense candidates by cosine similarity before fusion; lexical-only
 * hits are kept whatever their similarity. Per user unless userId is omitted (dashboard).
 */
export async function recall(ctx: MemoryContext, input: RecallQuery): Promise<RecallResult> {
  const started = performance.now();
  const parsed = querySchema.safeParse(input);
  if (!parsed.success)
    throw new AppError(
      "bad_request:memory",
      `Invalid recall query: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  const q = parsed.data;
  const done = (hits: MemoryHit[]): RecallResult => {
    ctx.observe("recall", started);
    return {
      hits,
      engine: ctx.engine.name,
      mode: q.mode,
      tookMs: Math.round((performance.now() - started) * 1000) / 1000,
    };
  };
  const text = cleanText(q.query, ctx.opts.maxMessageChars).text;
  if (isBlank(text)) return done([]);

  const engineQuery = { userId: q.userId, k: Math.max(q.k, CANDIDATES), excludeIds: new Set(q.excludeIds ?? []) };
  const denseRun = async (): Promise<EngineHit[]> => {
    if (q.mode === "lexical") return [];
    const embedStarted = performance.now();
    const [vector] = await ctx.embedder.embed([text]);
    ctx.observe("embed", embedStarted);
    return withRedis("search memories", () => ctx.engine.denseSearch(vector!, engineQuery));
  };
  const lexicalRun = (): Promise<EngineHit[]> =>
    q.mode === "dense"
      ? Promise.resolve([])
      : withRedis("search memories", () => ctx.engine.lexicalSearch(text, engineQuery));
  const [denseRaw, lexicalRaw] = await Promise.all([denseRun(), lexicalRun()]);
  const dense = denseRaw.sort(byScoreThenId);
  const lexical = lexicalRaw.sort(byScoreThenId);

  const similarity = new Map(dense.map((h) => [h.record.id, h.score]));
  const denseKept = dense.filter((h) => h.score >= q.minScore);
  if (q.mode === "dense") return done(denseKept.slice(0, q.k).map((h) => toHit(h, h.score, h.score)));
  if (q.mode === "lexical") return done(lexical.slice(0, q.k).map((h) => toHit(h, h.score, undefined)));

  const fused = fuse(denseKept, lexical, { limit: q.k });
  return done(
    fused.map((f) => toHit({ record: f.record, score: f.score }, f.score, f.similarity ?? similarity.get(f.record.id))),
  );
}
