import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/** A Lua script run by EVALSHA (replies as Buffers: binary-safe), loading itself on NOSCRIPT (restart, failover). */
export function luaScript(source: string) {
  const sha = createHash("sha1").update(source).digest("hex");
  return async (redis: Redis, keys: string[], args: (string | Buffer | number)[]): Promise<unknown> => {
    try {
      return await redis.callBuffer("EVALSHA", sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!/NOSCRIPT/.test((e as Error).message)) throw e;
      return redis.callBuffer("EVAL", source, keys.length, ...keys, ...args);
    }
  };
}
