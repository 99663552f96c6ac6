import type { Redis } from "../redis/client";
import { AppError } from "../errors";
import { logger } from "../log";
import { countLoginAttempt, noteLoginSuccessInRedis, type AttemptLimits, type AttemptVerdict } from "./login-throttle";
import { dropProcessSingleton, processSingleton } from "../app/state";

const log = logger("auth");

/**
 * Login throttle, two budgets per 15-minute window, each attempt counted before the password
 * is compared (lib/auth/login-throttle.ts):
 * - 5 attempts per client address (a success gives its attempt back and resets the address);
 * - 50 attempts from all addresses together. Rotating addresses (a botnet, or spoofed headers
 *   behind a misconfigured TRUSTED_PROXIES) therefore buys at most 50 guesses per 15 minutes.
 * Spending the global budget must not hand an attacker an easy way to lock the admin out, so
 * while it is spent only addresses that logged in successfully in the last 30 days (and
 * still have their own per-address attempts) may try; sessions that are already open are not
 * affected at all. The admin on a new address waits at most one window.
 */
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_GLOBAL_MAX_FAILURES = 50;
export const LOGIN_WINDOW_SECONDS = 15 * 60;
export const LOGIN_KNOWN_ADDRESS_SECONDS = 30 * 24 * 3600;

const LIMITS: AttemptLimits = {
  windowSeconds: LOGIN_WINDOW_SECONDS,
  perAddress: LOGIN_MAX_FAILURES,
  global: LOGIN_GLOBAL_MAX_FAILURES,
};

export interface ThrottleStore {
  redis: Redis;
  prefix: string;
}

// Used only while Redis is unreachable, so an outage does not open the door to guessing.
// Plain synchronous code: within one process each attempt is counted before the next one runs.
interface Window {
  count: number;
  until: number;
}
interface Fallback {
  perAddress: Map<string, Window>;
  global?: Window;
  known: Map<string, number>;
}
const fallback = (): Fallback =>
  processSingleton<Fallback>("auth:login-fallback", () => ({ perAddress: new Map(), known: new Map() }));

function countInMemory(ip: string, now = Date.now()): AttemptVerdict {
  const f = fallback();
  const live = (w: Window | undefined) => (w && w.until > now ? w : undefined);
  const left = (w: Window) => Math.ceil((w.until - now) / 1000);
  const mine = live(f.perAddress.get(ip)) ?? { count: 0, until: now + LOGIN_WINDOW_SECONDS * 1000 };
  if (mine.count >= LOGIN_MAX_FAILURES)
    return { allowed: false, reason: "address", attempts: mine.count, resetInSeconds: left(mine) };
  const all = live(f.global) ?? { count: 0, until: now + LOGIN_WINDOW_SECONDS * 1000 };
  if (all.count >= LOGIN_GLOBAL_MAX_FAILURES && !((f.known.get(ip) ?? 0) > now))
    return { allowed: false, reason: "global", attempts: all.count, resetInSeconds: left(all) };
  mine.count += 1;
  all.count += 1;
  f.perAddress.set(ip, mine);
  f.global = all;
  return { allowed: true, attempts: mine.count, resetInSeconds: left(mine) };
}

function refused(ip: string, v: Extract<AttemptVerdict, { allowed: false }>): AppError {
  const minutes = Math.max(1, Math.ceil(v.resetInSeconds / 60));
  const message =
    v.reason === "address"
      ? `Too many wrong passwords from this address. Try again in ${minutes} min.`
      : `Too many wrong passwords from many addresses: logins from new addresses are paused for ${minutes} min (addresses that logged in before still can).`;
  return new AppError("rate_limit:auth", message, {
    details: { ip, reason: v.reason, retryAfterSeconds: v.resetInSeconds },
  });
}

/**
 * Counts this attempt (before the password is compared) and throws rate_limit:auth when a
 * budget is spent. Returns the attempts this address has used in the window.
 */
export async function countLoginAttemptOrThrow(
  store: ThrottleStore,
  ip: string,
): Promise<{ attempts: number; resetInSeconds: number }> {
  let verdict: AttemptVerdict;
  try {
    verdict = await countLoginAttempt(store.redis, store.prefix, ip, LIMITS);
  } catch (e) {
    log.warn("login throttle: Redis unavailable, counting in memory", { error: e });
    verdict = countInMemory(ip);
  }
  if (!verdict.allowed) throw refused(ip, verdict);
  return { attempts: verdict.attempts, resetInSeconds: verdict.resetInSeconds };
}

export async function noteLoginSuccess(store: ThrottleStore, ip: string): Promise<void> {
  const f = fallback();
  f.perAddress.delete(ip);
  if (f.global && f.global.count > 0) f.global.count -= 1;
  f.known.set(ip, Date.now() + LOGIN_KNOWN_ADDRESS_SECONDS * 1000);
  await noteLoginSuccessInRedis(store.redis, store.prefix, ip, LOGIN_KNOWN_ADDRESS_SECONDS).catch(() => undefined);
}

/** Tests only: forget the in-memory fallback counts. */
export function resetLoginFallbackForTests(): void {
  dropProcessSingleton("auth:login-fallback");
}
