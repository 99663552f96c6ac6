import type { Redis } from "ioredis";
import { AppError } from "../errors";
import { logger } from "../log";
import { addLoginFailure, clearLoginFailures, loginFailures } from "../redis/login-throttle";

const log = logger("auth");

/** 5 wrong passwords per address per 15 minutes, then locked until the window ends. */
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_SECONDS = 15 * 60;

export interface ThrottleStore {
  redis: Redis;
  prefix: string;
}

// Used only while Redis is unreachable, so an outage does not open the door to guessing.
const g = globalThis as unknown as { __mindmateLoginFallback?: Map<string, { failures: number; until: number }> };
const fallback = () => (g.__mindmateLoginFallback ??= new Map());

function locked(ip: string, failures: number, resetInSeconds: number): AppError {
  return new AppError("rate_limit:auth", `Too many wrong passwords from this address. Try again in ${Math.ceil(resetInSeconds / 60)} min.`, {
    details: { ip, failures, retryAfterSeconds: resetInSeconds },
  });
}

/** Throws rate_limit:auth when the address is locked out. */
export async function assertLoginAllowed(store: ThrottleStore, ip: string): Promise<void> {
  let state;
  try {
    state = await loginFailures(store.redis, store.prefix, ip);
  } catch (e) {
    log.warn("login throttle: Redis unavailable, counting in memory", { error: e });
    const f = fallback().get(ip);
    state = f && f.until > Date.now() ? { failures: f.failures, resetInSeconds: Math.ceil((f.until - Date.now()) / 1000) } : { failures: 0, resetInSeconds: 0 };
  }
  if (state.failures >= LOGIN_MAX_FAILURES) throw locked(ip, state.failures, state.resetInSeconds);
}

export async function noteLoginFailure(store: ThrottleStore, ip: string): Promise<{ failures: number; resetInSeconds: number }> {
  try {
    return await addLoginFailure(store.redis, store.prefix, ip, LOGIN_WINDOW_SECONDS);
  } catch {
    const now = Date.now();
    const f = fallback().get(ip);
    const next = f && f.until > now ? { failures: f.failures + 1, until: f.until } : { failures: 1, until: now + LOGIN_WINDOW_SECONDS * 1000 };
    fallback().set(ip, next);
    return { failures: next.failures, resetInSeconds: Math.ceil((next.until - now) / 1000) };
  }
}

export async function noteLoginSuccess(store: ThrottleStore, ip: string): Promise<void> {
  fallback().delete(ip);
  await clearLoginFailures(store.redis, store.prefix, ip).catch(() => undefined);
}
