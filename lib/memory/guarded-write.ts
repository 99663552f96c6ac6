import type { ChainableCommander, Redis } from "ioredis";
import type { LuaArg } from "../redis/lua/script";
import { GUARDED_WRITE } from "../redis/lua/guarded-write";

/**
 * Writes as data: a recorder with ioredis' pipeline method names (hset, expire, sadd, call, …)
 * collects [command, ...args] instead of sending them, and ONE generic Lua script runs a list of
 * recorded writes, each optionally behind an idempotency guard:
 *
 *   key guard (SET NX):  exists → the whole write is skipped, the guard's value is returned;
 *                        absent → SET guard value NX EX ttl, then every command of the write
 *   record guard:        the write's own long-term record, HSETNX hash field value as its first
 *                        command: the field exists (or its tombstone key does) → skipped, the
 *                        guard's `reply` is returned; else the write goes on — no extra key
 *
 * The guard check and the write are one atomic step, so a resent EVALSHA (ioredis
 * autoResendUnfulfilledCommands), a journal replay or a Telegram retry can never store twice.
 * The first command of an entry is a write (SET NX / HSETNX of the guard) and uses redis.call: Redis refuses
 * OOM / READONLY / MISCONF at the first write of a script, so such a refusal aborts with nothing written
 * (the caller journals and retries). Later commands use redis.pcall and report their first
 * error (the MULTI semantics we had: the rest is still applied).
 *
 * KEYS lists every key touched (guards, first argument of each command, all arguments of DEL-like
 * commands) and commands refer to their key by index, so the script is cluster-ready once the
 * keys share a hash slot. ARGV carries the rest as binary-safe strings (packed vectors pass).
 */

export interface RecordedCommand {
  name: string;
  args: (string | Buffer)[];
}

/** A key of its own: `SET key value NX EX ttl`; when it exists the write is skipped and its value returned. */
export interface KeyGuard {
  key: string;
  value: string;
  ttlSeconds: number;
}

/**
 * The write's own record as its guard: `HSETNX hash field value` runs first (it IS the record's
 * write, or for a multi-field record its first field). The field present means the write was
 * applied → skipped. `tombstone` is a key whose existence also means applied (the budget trim
 * sets it before it deletes a young record; an older version's guard has the same name): then
 * the field just set is removed again and the write skipped. `reply` is what a skip returns.
 */
export interface RecordGuard {
  hash: string;
  field: string | Buffer;
  value: string | Buffer;
  tombstone: string;
  reply: string;
}

export interface GuardedWrite {
  /** Absent: the write is idempotent by itself (HSET of settings) and runs unguarded. */
  guard?: KeyGuard | RecordGuard;
  commands: RecordedCommand[];
}

export const isRecordGuard = (g: KeyGuard | RecordGuard): g is RecordGuard => "hash" in g;

export type WriteOutcome =
  | { status: "applied" }
  /** The guard existed: nothing was written. `first` = the guard's value (what the first write stored). */
  | { status: "skipped"; first: string }
  /** Applied, but Redis refused one of the later commands (wrong type…). */
  | { status: "partial"; error: string };

/** Commands whose every argument is a key. */
const ALL_KEYS = new Set(["DEL", "UNLINK", "EXISTS", "TOUCH"]);

function flatten(args: unknown[], out: (string | Buffer)[]): void {
  for (const a of args) {
    if (typeof a === "function") continue; // an ioredis callback
    if (Buffer.isBuffer(a)) out.push(a);
    else if (a instanceof Uint8Array) out.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    else if (Array.isArray(a)) flatten(a, out);
    else if (a instanceof Map) for (const [k, v] of a) flatten([k, v], out);
    else if (a !== null && typeof a === "object") for (const [k, v] of Object.entries(a)) flatten([k, v], out);
    else out.push(String(a));
  }
}

/**
 * A stand-in for an ioredis pipeline that records instead of sending. Any method name is
 * accepted (`hset(k, {a: 1})`, `expire(k, 60)`, `call("VADD", …)`), arguments are flattened
 * the way ioredis does (arrays, objects and Maps into field/value pairs), calls chain.
 */
export function commandRecorder(): { p: ChainableCommander; commands: RecordedCommand[] } {
  const commands: RecordedCommand[] = [];
  const record = (name: string, args: unknown[]) => {
    const flat: (string | Buffer)[] = [];
    flatten(args, flat);
    commands.push({ name: name.toUpperCase(), args: flat });
  };
  const proxy: ChainableCommander = new Proxy({} as ChainableCommander, {
    get(_target, prop) {
      if (typeof prop !== "string" || prop === "then") return undefined;
      if (prop === "exec") {
        return () => {
          throw new Error("a command recorder is not executed: run its commands with runWrites()");
        };
      }
      if (prop === "call" || prop === "callBuffer") {
        return (name: string, ...args: unknown[]) => {
          record(name, args);
          return proxy;
        };
      }
      const name = prop.endsWith("Buffer") ? prop.slice(0, -"Buffer".length) : prop;
      return (...args: unknown[]) => {
        record(name, args);
        return proxy;
      };
    },
  });
  return { p: proxy, commands };
}

/** The script's SHA (tests match it in the fault proxy). */
export const WRITE_SCRIPT_SHA = GUARDED_WRITE.sha;

/** KEYS and ARGV of one script call for `writes` (exported for tests). */
export function encodeWrites(writes: GuardedWrite[]): { keys: string[]; args: LuaArg[] } {
  const keys: string[] = [];
  const index = new Map<string, number>();
  const ref = (key: string | Buffer): number => {
    const k = key.toString();
    let i = index.get(k);
    if (i === undefined) {
      keys.push(k);
      i = keys.length;
      index.set(k, i);
    }
    return i;
  };
  const args: LuaArg[] = [writes.length];
  for (const w of writes) {
    // 7 slots per write: kind, guard key, 3 guard arguments, tombstone key, command count
    const g = w.guard;
    if (!g) args.push("0", 0, "", "", "", 0, w.commands.length);
    else if (isRecordGuard(g))
      args.push("2", ref(g.hash), g.field, g.value, g.reply, ref(g.tombstone), w.commands.length);
    else args.push("1", ref(g.key), g.value, g.ttlSeconds, "", 0, w.commands.length);
    for (const c of w.commands) {
      const [first, ...rest] = c.args;
      if (first === undefined) {
        args.push(2, c.name, 0);
        continue;
      }
      if (ALL_KEYS.has(c.name)) rest.forEach(ref);
      args.push(c.args.length + 1, c.name, ref(first), ...rest);
    }
  }
  return { keys, args };
}

/** Runs the writes, in order, in ONE EVALSHA (EVAL after NOSCRIPT). Throws when Redis refuses the script. */
export async function runWrites(redis: Redis, writes: GuardedWrite[]): Promise<WriteOutcome[]> {
  if (writes.length === 0) return [];
  const { keys, args } = encodeWrites(writes);
  const reply = (await GUARDED_WRITE(redis, keys, args)) as [number, Buffer?][];
  return reply.map(([status, detail]): WriteOutcome => {
    if (status === 0) return { status: "skipped", first: detail?.toString() ?? "" };
    if (status === 2) return { status: "partial", error: detail?.toString() ?? "unknown error" };
    return { status: "applied" };
  });
}
