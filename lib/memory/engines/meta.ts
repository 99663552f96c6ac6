import type { VectorEngineName } from "./choose";
import { AppError } from "../../errors";
import { EMBED_SCHEME, LEGACY_SCHEME } from "../contextual";
import type { EngineContext } from "./types";

/**
 * What an index was built with, kept in `keys.memoryGlobal("meta")` (a HASH). Every engine
 * checks it on ensureIndex: vectors made by another model, size or encoding are never mixed in
 * silently — the fix is always `npm run memory:reindex`.
 */
export const SCHEMA_VERSION = 1;

export interface IndexMeta {
  engine: VectorEngineName;
  schema: string;
  dims: string;
  distance: "COSINE";
  encoding: string;
  embedder: string;
  algorithm: string;
  /** How a message's vector is computed (lib/memory/contextual.ts): context scheme changes need a reindex too. */
  scheme: string;
}

export function expectedMeta(engine: VectorEngineName, ctx: EngineContext): IndexMeta {
  return {
    engine,
    schema: String(SCHEMA_VERSION),
    dims: String(ctx.dims),
    distance: "COSINE",
    encoding: ctx.encoding,
    embedder: ctx.embedderId,
    // only RediSearch has a choice; the others record what they do
    algorithm: engine === "redisearch" ? ctx.algorithm : engine === "vectorset" ? "HNSW" : "EXACT",
    scheme: EMBED_SCHEME,
  };
}

export function metaKey(ctx: EngineContext): string {
  return ctx.keys.memoryGlobal("meta");
}

export async function readMeta(ctx: EngineContext): Promise<Partial<IndexMeta> | undefined> {
  const h = await ctx.redis.hgetall(metaKey(ctx));
  return Object.keys(h).length ? (h as Partial<IndexMeta>) : undefined;
}

/** Throws config:vector naming every difference, or returns quietly when they agree. */
export function assertSameMeta(found: Partial<IndexMeta>, want: IndexMeta, where: string): void {
  const diffs = (Object.keys(want) as (keyof IndexMeta)[])
    .filter((k) => found[k] !== undefined && found[k] !== want[k])
    .map((k) => `${k} ${found[k]} → ${want[k]}`);
  if (diffs.length === 0) return;
  throw new AppError(
    "config:vector",
    `The existing vector index (${where}) was built with different settings (${diffs.join(", ")}). ` +
      "Its vectors cannot be reused: run `npm run memory:reindex` to rebuild it with the current settings.",
    { details: { found, expected: want } },
  );
}

/** Checks the stored meta (if any) and records the current one. */
export async function checkAndWriteMeta(engine: VectorEngineName, ctx: EngineContext): Promise<void> {
  const want = expectedMeta(engine, ctx);
  const found = await readMeta(ctx);
  // an index recorded before the scheme field holds plain vectors
  if (found) assertSameMeta({ scheme: LEGACY_SCHEME, ...found }, want, metaKey(ctx));
  else await ctx.redis.hset(metaKey(ctx), { ...want, createdAt: new Date().toISOString() });
}
