import type { Redis } from "ioredis";

/**
 * The one scan-by-prefix: SCAN (never KEYS) in pages of about `count` keys. Callers stop early
 * by breaking out of the loop; on a cluster a SCAN covers one node, so the cluster work
 * iterates the masters here.
 */
export async function* scanKeys(redis: Pick<Redis, "scan">, pattern: string, count = 1000): AsyncGenerator<string[]> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", count);
    cursor = next;
    if (keys.length) yield keys;
  } while (cursor !== "0");
}

/** A SCAN MATCH pattern for every key that starts with `prefix` (glob characters escaped). */
export function prefixPattern(prefix: string): string {
  return prefix.replace(/[*?[\]\\]/g, "\\$&") + "*";
}

/** UNLINKs every key matching `pattern`, page by page; returns how many were removed. */
export async function deleteMatching(
  redis: Pick<Redis, "scan" | "unlink">,
  pattern: string,
  count = 1000,
): Promise<number> {
  let n = 0;
  for await (const keys of scanKeys(redis, pattern, count)) n += await redis.unlink(...keys);
  return n;
}
