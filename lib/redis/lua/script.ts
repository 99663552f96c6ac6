import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

export type LuaArg = string | Buffer | number;

/** A Lua script run by EVALSHA: call it like a function; `sha` / `source` for tests and SCRIPT LOAD. */
export interface LuaScript {
  (redis: Pick<Redis, "call" | "callBuffer">, keys: string[], args: LuaArg[]): Promise<unknown>;
  readonly sha: string;
  readonly source: string;
}

/**
 * The one way this app runs Lua: EVALSHA, loading the script with EVAL on NOSCRIPT (a restart,
 * a failover, SCRIPT FLUSH), so a hot path sends 40 bytes instead of the script. Replies come
 * as Buffers (binary-safe: packed vectors) unless `replies: "strings"`.
 * Every script lives in this folder, one file per owner; each says its KEYS and ARGV.
 */
export function luaScript(source: string, o: { replies?: "buffers" | "strings" } = {}): LuaScript {
  const sha = createHash("sha1").update(source).digest("hex");
  const strings = o.replies === "strings";
  const call = (redis: Pick<Redis, "call" | "callBuffer">, cmd: string, ...args: LuaArg[]) =>
    strings ? redis.call(cmd, ...args) : redis.callBuffer(cmd, ...args);
  const run = async (redis: Pick<Redis, "call" | "callBuffer">, keys: string[], args: LuaArg[]): Promise<unknown> => {
    try {
      return await call(redis, "EVALSHA", sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!/NOSCRIPT/.test((e as Error).message)) throw e;
      return call(redis, "EVAL", source, keys.length, ...keys, ...args);
    }
  };
  return Object.assign(run, { sha, source });
}
