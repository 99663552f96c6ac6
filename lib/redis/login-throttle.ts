import type { Redis } from "ioredis";

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

export function loginFailKey(prefix: string, ip: string): string {
  return `${prefix}login:fail:${ip}`;
}
export const loginGlobalKey = (prefix: string) => `${prefix}login:global`;
export const loginKnownKey = (prefix: string, ip: string) => `${prefix}login:ok:${ip}`;

export interface AttemptLimits {
  windowSeconds: number;
  perAddress: number;
  global: number;
}

export type AttemptVerdict =
  | { allowed: true; attempts: number; resetInSeconds: number }
  | { allowed: false; reason: "address" | "global"; attempts: number; resetInSeconds: number };

// KEYS: per-address, global, known-address marker. ARGV: window s, per-address max, global max.
// A refused attempt is not counted (it cannot extend its own lockout).
const ATTEMPT_SCRIPT = `
local window = tonumber(ARGV[1])
local ipCount = tonumber(redis.call('GET', KEYS[1]) or '0')
if ipCount >= tonumber(ARGV[2]) then
  return {0, 'address', ipCount, redis.call('TTL', KEYS[1])}
end
local globalCount = tonumber(redis.call('GET', KEYS[2]) or '0')
if globalCount >= tonumber(ARGV[3]) and redis.call('EXISTS', KEYS[3]) == 0 then
  return {0, 'global', globalCount, redis.call('TTL', KEYS[2])}
end
ipCount = redis.call('INCR', KEYS[1])
if ipCount == 1 then redis.call('EXPIRE', KEYS[1], window) end
if redis.call('INCR', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], window) end
return {1, 'ok', ipCount, redis.call('TTL', KEYS[1])}
`;

/** Counts one attempt (or refuses it) atomically; one round trip (EVALSHA, EVAL on NOSCRIPT). */
export async function countLoginAttempt(redis: Redis, prefix: string, ip: string, limits: AttemptLimits): Promise<AttemptVerdict> {
  const [ok, reason, attempts, ttl] = (await redis.eval(
    ATTEMPT_SCRIPT,
    3,
    loginFailKey(prefix, ip),
    loginGlobalKey(prefix),
    loginKnownKey(prefix, ip),
    limits.windowSeconds,
    limits.perAddress,
    limits.global,
  )) as [number, string, number, number];
  const resetInSeconds = Math.max(0, Number(ttl));
  if (ok === 1) return { allowed: true, attempts: Number(attempts), resetInSeconds };
  return { allowed: false, reason: reason === "global" ? "global" : "address", attempts: Number(attempts), resetInSeconds };
}

// A success gives its attempt back to both budgets and marks the address as known.
const SUCCESS_SCRIPT = `
redis.call('DEL', KEYS[1])
local g = tonumber(redis.call('GET', KEYS[2]) or '0')
if g > 0 then redis.call('DECR', KEYS[2]) end
redis.call('SET', KEYS[3], '1', 'EX', tonumber(ARGV[1]))
return 1
`;

export async function noteLoginSuccessInRedis(redis: Redis, prefix: string, ip: string, knownSeconds: number): Promise<void> {
  await redis.eval(SUCCESS_SCRIPT, 3, loginFailKey(prefix, ip), loginGlobalKey(prefix), loginKnownKey(prefix, ip), knownSeconds);
}
