import type { VectorEngineName } from "./choose";
import { readMeta } from "./meta";
import type { EngineContext, VectorEncoding } from "./types";

/**
 * The encoding used when VECTOR_ENCODING is unset: per engine the smallest one whose recall@10
 * against float32 is ≥ 0.99 on the 10k clustered set and the LoCoMo dev split
 * (docs/engines.md). int8 on scan (per-vector scale) and vector sets (Q8); float16 on RediSearch
 * (2.10 has no int8; set VECTOR_ENCODING=int8 explicitly on RediSearch 8+).
 */
export const DEFAULT_ENCODING: Record<VectorEngineName, VectorEncoding> = {
  scan: "int8",
  vectorset: "int8",
  redisearch: "float16",
};

export function defaultEncoding(engine: VectorEngineName): VectorEncoding {
  return DEFAULT_ENCODING[engine];
}

const KNOWN = new Set<string>(["float32", "float16", "int8"]);

/**
 * With no explicit VECTOR_ENCODING an existing index keeps the encoding it was built with (the
 * index metadata says which) instead of failing the start with config:vector: old float32
 * deployments keep working, new ones start compact. `memory:reindex` converts to the default.
 * Returns the encoding now in use.
 */
export async function adoptStoredEncoding(ctx: EngineContext): Promise<VectorEncoding> {
  const stored = (await readMeta(ctx))?.encoding;
  if (stored && KNOWN.has(stored)) ctx.encoding = stored as VectorEncoding;
  return ctx.encoding;
}
