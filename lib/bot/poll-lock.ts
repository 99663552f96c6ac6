import { randomUUID } from "node:crypto";
import os from "node:os";
import type { Redis } from "../redis/client";
import { botKeys } from "../redis/keys";
import { POLL_LOCK_RELEASE, POLL_LOCK_RENEW, POLL_LOCK_TAKEOVER } from "../redis/lua/poll-lock";
import { botIdFromToken } from "./bot-info";

/**
 * One long poller per bot token across processes (two `npm run dev`, or dev + `bot:poll`, on
 * the same Redis): Telegram answers a second getUpdates with 409 and the first poller would
 * lose updates to the second. A Redis key with the holder's identity, set with NX and a TTL,
 * renewed while polling and deleted (only by its holder) on stop; a crashed holder's lock
 * expires after ttlMs.
 */

/** "<label> pid <n> on <host> (…)" of a process on this host that no longer exists. */
export function holderIsDeadHere(holder: string): boolean {
  const m = / pid (\d+) on (\S+) \(/.exec(holder);
  if (!m || m[2] !== os.hostname() || Number(m[1]) === process.pid) return false;
  try {
    process.kill(Number(m[1]), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

export function pollLockKey(prefix: string, token: string): string {
  return botKeys(prefix).pollLock(botIdFromToken(token));
}

export interface PollLock {
  holder: string;
  /** Called once if the lock was lost (expired and taken over) while we thought we held it. */
  onLost(cb: () => void): void;
  release(): Promise<void>;
}

export type PollLockResult = { acquired: true; lock: PollLock } | { acquired: false; heldBy: string };

export async function acquirePollLock(
  redis: Redis,
  prefix: string,
  token: string,
  opts: { ttlMs?: number; label?: string } = {},
): Promise<PollLockResult> {
  const ttlMs = opts.ttlMs ?? 30_000;
  const key = pollLockKey(prefix, token);
  const holder = `${opts.label ?? "poller"} pid ${process.pid} on ${os.hostname()} (${randomUUID().slice(0, 8)})`;
  let ok = await redis.set(key, holder, "PX", ttlMs, "NX");
  if (ok !== "OK") {
    const current = await redis.get(key);
    // A dev server restarted right after Ctrl+C: its predecessor on this machine is gone but
    // could not release the lock in time. Take it over instead of waiting for the TTL.
    if (current && holderIsDeadHere(current))
      ok = (await POLL_LOCK_TAKEOVER(redis, [key], [current, holder, ttlMs])) === "OK" ? "OK" : null;
    if (ok !== "OK") return { acquired: false, heldBy: current ?? "another process" };
  }
  let lost: (() => void) | undefined;
  let released = false;
  const timer = setInterval(
    () => {
      POLL_LOCK_RENEW(redis, [key], [holder, ttlMs]).then(
        (r) => {
          if (Number(r) === 0 && !released) {
            released = true;
            clearInterval(timer);
            lost?.();
          }
        },
        () => {}, // Redis briefly down: the next renewal tries again before the TTL runs out
      );
    },
    Math.max(50, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return {
    acquired: true,
    lock: {
      holder,
      onLost: (cb) => (lost = cb),
      async release() {
        if (released) return;
        released = true;
        clearInterval(timer);
        await POLL_LOCK_RELEASE(redis, [key], [holder]);
      },
    },
  };
}
