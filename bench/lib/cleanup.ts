import type { Redis } from "ioredis";
import { deleteMatching, prefixPattern } from "@/lib/redis/scan";

/** Drops the RediSearch indexes and every key under a bench prefix (SCAN + UNLINK, never FLUSHALL). */
export async function deleteBenchPrefix(redis: Redis, prefix: string): Promise<number> {
  try {
    const indexes = (await redis.call("FT._LIST")) as string[];
    for (const name of indexes.filter((n) => n.startsWith(prefix))) await redis.call("FT.DROPINDEX", name);
  } catch {
    // no search module on this server
  }
  return deleteMatching(redis, prefixPattern(prefix), 5000);
}

/** INFO memory's used_memory (bytes), after letting lazy frees finish. */
export async function usedMemory(redis: Redis): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const info = await redis.info("memory");
    const pending = Number(info.match(/^lazyfree_pending_objects:(\d+)/m)?.[1] ?? 0);
    if (pending === 0) return Number(info.match(/^used_memory:(\d+)/m)?.[1]);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("lazyfree_pending_objects did not drain");
}
