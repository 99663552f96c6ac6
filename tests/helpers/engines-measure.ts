import type { Redis } from "ioredis";
import type { VectorEngineName } from "@/lib/memory/engines/choose";
import { keysWithPrefix } from "./servers";

/** Helpers for the engine tests (engines.contract, recall-cache). */

const WORDS = (
  "today yesterday work coffee meeting friend family dinner movie book music trip weekend dog cat garden run gym " +
  "project deadline birthday gift school class exam painting photo beach mountain city train flight hotel doctor " +
  "recipe cake pasta tea morning night happy tired excited worried plan idea story game team concert museum park"
).split(" ");

/** A plausible chat line of `words` words (~6 chars each → ~100 chars for 16). */
export function sentence(rand: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(" ");
}

/**
 * Everything the engine keeps for `n` messages, divided by n: MEMORY USAGE of every key under
 * the prefix, plus (RediSearch) the index structures FT.INFO reports outside the keyspace.
 */
export async function bytesPerMessage(
  redis: Redis,
  prefix: string,
  engine: VectorEngineName,
  n: number,
): Promise<number> {
  let bytes = 0;
  for (const k of await keysWithPrefix(redis, prefix))
    bytes += Number(await redis.call("MEMORY", "USAGE", k, "SAMPLES", "0")) || 0;
  if (engine === "redisearch") {
    const info = (await redis.call("FT.INFO", `${prefix}m:idx:v1`)) as unknown[];
    const map = new Map<string, unknown>();
    for (let i = 0; i + 1 < info.length; i += 2) map.set(String(info[i]), info[i + 1]);
    for (const f of [
      "vector_index_sz_mb",
      "inverted_sz_mb",
      "offset_vectors_sz_mb",
      "doc_table_size_mb",
      "sortable_values_size_mb",
      "key_table_size_mb",
      "tag_overhead_sz_mb",
      "text_overhead_sz_mb",
    ]) {
      bytes += (Number(map.get(f)) || 0) * 1024 * 1024;
    }
  }
  return bytes / n;
}
