import type { Redis } from "../redis/client";
import { authKeys } from "../redis/keys";
import { LOGIN_ATTEMPT, LOGIN_SUCCESS } from "../redis/lua/login-throttle";

/**
 * Dashboard login attempts, shared by every app instance:
 * - `<prefix>login:fail:<ip>`  attempts from one address not yet cleared by a success (fixed
 *   window from the first one);
 * - `<prefix>login:global`      attempts from all addresses (same window), the global budget;
 * - `<prefix>login:ok:<ip>`     marks an address that logged in successfully lately: it keeps its
 *   own budget while the global one is spent (see lib/auth/throttle.ts).
 * An attempt is counted by one script BEFORE the password is compared, so N parallel requests
 * cannot all slip through a limit of N-1: each one's INCR is atomic and decides alone.
 */

export const loginFailKey = (prefix: string, ip: string) => authKeys(prefix).loginFail(ip);
export const loginGlobalKey = (prefix: string) => authKeys(prefix).loginGlobal();
export const loginKnownKey = (prefix: string, ip: string) => authKeys(prefix).loginKnown(ip);

export interface AttemptLimits {
  windowSeconds: number;
  perAddress: number;
  global: number;
}

export type AttemptVerdict =
  | { allowed: true; attempts: number; resetInSeconds: number }
  | { allowed: false; reason: "address" | "global"; attempts: number; resetInSeconds: number };

/** Counts one attempt (or refuses it) atomically; one round trip (EVALSHA, EVAL on NOSCRIPT). */
export async function countLoginAttempt(
  redis: Redis,
  prefix: string,
  ip: string,
  limits: AttemptLimits,
): Promise<AttemptVerdict> {
  const [ok, reason, attempts, ttl] = (await LOGIN_ATTEMPT(
    redis,
    [loginFailKey(prefix, ip), loginGlobalKey(prefix), loginKnownKey(prefix, ip)],
    [limits.windowSeconds, limits.perAddress, limits.global],
  )) as [number, string, number, number];
  const resetInSeconds = Math.max(0, Number(ttl));
  if (ok === 1) return { allowed: true, attempts: Number(attempts), resetInSeconds };
  return {
    allowed: false,
    reason: reason === "global" ? "global" : "address",
    attempts: Number(attempts),
    resetInSeconds,
  };
}

export async function noteLoginSuccessInRedis(
  redis: Redis,
  prefix: string,
  ip: string,
  knownSeconds: number,
): Promise<void> {
  await LOGIN_SUCCESS(
    redis,
    [loginFailKey(prefix, ip), loginGlobalKey(prefix), loginKnownKey(prefix, ip)],
    [knownSeconds],
  );
}
