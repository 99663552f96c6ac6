import type { Redis } from "../redis/client";
import { botKeys } from "../redis/keys";
import { HIT } from "../redis/lua/rate-limit";

/**
 * Per-user message rate limit: `<prefix>rl:<userId>` counts messages in a fixed one-minute
 * window that starts with the first message. Shared by every app instance. One round trip.
 */

const WINDOW_MS = 60_000;

export function rateLimitKey(prefix: string, userId: number): string {
  return botKeys(prefix).rateLimit(userId);
}

export interface RateLimitResult {
  allowed: boolean;
  /** Messages counted in the current window, this one included. */
  count: number;
  retryAfterSeconds: number;
}

export interface RateLimiter {
  hit(userId: number, limitPerMinute: number): Promise<RateLimitResult>;
  /** Removes the user's counter (/forget leaves no key of the user). */
  reset(userId: number): Promise<void>;
}

export function createRateLimiter(redis: Redis, prefix: string): RateLimiter {
  return {
    async hit(userId, limit) {
      if (limit <= 0) return { allowed: true, count: 0, retryAfterSeconds: 0 };
      const [count, ttl] = (await HIT(redis, [rateLimitKey(prefix, userId)], [WINDOW_MS])) as [number, number];
      return { allowed: count <= limit, count, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
    },
    async reset(userId) {
      await redis.del(rateLimitKey(prefix, userId));
    },
  };
}
