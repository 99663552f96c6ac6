import type { Redis } from "ioredis";

/**
 * Failed dashboard logins per client address: `<prefix>login:fail:<ip>` counts failures in a
 * fixed window that starts at the first failure. Shared by every app instance.
 */

export function loginFailKey(prefix: string, ip: string): string {
  return `${prefix}login:fail:${ip}`;
}

/** Failures so far and seconds until the window ends (0 when there are none). */
export async function loginFailures(redis: Redis, prefix: string, ip: string): Promise<{ failures: number; resetInSeconds: number }> {
  const key = loginFailKey(prefix, ip);
  const [[e1, count], [e2, ttl]] = (await redis.pipeline().get(key).ttl(key).exec()) as [[Error | null, string | null], [Error | null, number]];
  if (e1 || e2) throw e1 ?? e2;
  return { failures: Number(count ?? 0), resetInSeconds: Math.max(0, ttl) };
}

/** Counts one failure; the window (windowSeconds) starts with the first one. One round trip. */
export async function addLoginFailure(redis: Redis, prefix: string, ip: string, windowSeconds: number): Promise<{ failures: number; resetInSeconds: number }> {
  const key = loginFailKey(prefix, ip);
  const res = (await redis.pipeline().set(key, "0", "EX", windowSeconds, "NX").incr(key).ttl(key).exec()) ?? [];
  const failed = res.find(([e]) => e);
  if (failed) throw failed[0];
  return { failures: Number(res[1]?.[1] ?? 0), resetInSeconds: Math.max(0, Number(res[2]?.[1] ?? 0)) };
}

export async function clearLoginFailures(redis: Redis, prefix: string, ip: string): Promise<void> {
  await redis.del(loginFailKey(prefix, ip));
}
