import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

export type LuaArg = string | Buffer | number;

/** A Lua script run by EVALSHA: call it like a function; `sha` / `source` for tests and SCRIPT LOAD. */
export interface LuaScript {
  (redis: Redis, keys: string[], args: LuaArg[]): Promise<unknown>;
  readonly sha: string;
  readonly source: string;
}

/** A Lua script run by EVALSHA (replies as Buffers: binary-safe), loading itself on NOSCRIPT (restart, failover). */
export function luaScript(source: string): LuaScript {
  const sha = createHash("sha1").update(source).digest("hex");
  const run = async (redis: Redis, keys: string[], args: LuaArg[]): Promise<unknown> => {
    try {
      return await redis.callBuffer("EVALSHA", sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!/NOSCRIPT/.test((e as Error).message)) throw e;
      return redis.callBuffer("EVAL", source, keys.length, ...keys, ...args);
    }
  };
  return Object.assign(run, { sha, source });
}
