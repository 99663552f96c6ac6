import { AppError } from "../errors";

/**
 * Reply errors that mean "not now" rather than "wrong command": restart (LOADING), failover
 * (READONLY, MASTERDOWN), a long script (BUSY), cluster moves, and writes refused for a while —
 * OOM (maxmemory with noeviction: Render Key Value's policy), MISCONF (a failing disk
 * snapshot), NOREPLICAS. Writes failing like this are journaled and retried, never lost.
 * Inside a script Redis 7+ keeps the code first ("OOM command not allowed … script: …").
 */
const TRANSIENT_REPLY = /^(LOADING|MASTERDOWN|BUSY|TRYAGAIN|CLUSTERDOWN|READONLY|OOM|MISCONF|NOREPLICAS)\b/;
const CONNECTION_MESSAGE =
  /Connection is closed|Command timed out|Stream isn't writeable|connect ETIMEDOUT|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|socket hang up|Reached the max retries/i;

/**
 * True when the error says Redis could not be reached, did not answer in time (the write may or
 * may not have happened) or refuses writes for now (TRANSIENT_REPLY), as opposed to Redis
 * refusing a command for good (wrong type, syntax).
 */
export function isUnavailable(e: unknown): boolean {
  if (!(e instanceof Error) || e instanceof AppError) return false;
  if (e.name === "ReplyError") return TRANSIENT_REPLY.test(e.message);
  if (e.name === "MaxRetriesPerRequestError") return true;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return true;
  return CONNECTION_MESSAGE.test(e.message);
}

/** Any failure of a Redis call as a typed AppError; AppErrors (engine config checks) pass through. */
export function redisError(e: unknown, action: string): AppError {
  if (e instanceof AppError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (isUnavailable(e)) {
    return new AppError("unavailable:redis", `Redis is unreachable, could not ${action}: ${message}`, { cause: e });
  }
  return new AppError("internal:redis", `Redis refused to ${action}: ${message}`, { cause: e });
}

/** Runs one Redis call and converts its failure. */
export async function withRedis<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw redisError(e, action);
  }
}

/** The first error inside a MULTI/pipeline result, if any. */
export function firstExecError(results: [Error | null, unknown][] | null): Error | undefined {
  return results?.find(([err]) => err)?.[0] ?? undefined;
}

/**
 * Runs `fn`, waiting out a Redis outage (restart, failover) with capped backoff for up to
 * `waitMs`, so work Telegram already got a 200 for is finished rather than dropped. Errors
 * other than "unreachable" are thrown at once.
 */
export async function retryWhileUnavailable<T>(
  fn: () => Promise<T>,
  opts: { waitMs: number; onWait?: (e: unknown) => void },
): Promise<T> {
  const deadline = Date.now() + opts.waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const unreachable = isUnavailable(e) || (e instanceof AppError && e.code === "unavailable:redis");
      if (!unreachable || Date.now() >= deadline) throw e;
      if (attempt === 0) opts.onWait?.(e);
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 2000)));
    }
  }
}
