import { ConfigError } from "../config";
import { AppError } from "../errors";
import { isUnavailable } from "../memory/redis-errors";

/**
 * What a route answers for anything thrown below it. AppErrors keep their status (also those
 * made by another bundle's copy of the class, see lib/errors.ts). A raw ioredis error that means
 * "Redis did not answer" (a helper that reads INFO or metrics directly) is a 503, like the
 * memory layer's own unavailable:redis; a ConfigError (or an AppError of type config) is a 503
 * naming what to set (the server cannot serve this until it is configured). Anything else
 * stays a 500: that is a bug.
 */
export function toHttpError(e: unknown): AppError {
  // config:* (e.g. config:llm, the model API refused the key) is the server's setup, not the
  // request: the same documented 503 as a ConfigError, keeping message, details and cause.
  if (e instanceof AppError && e.type === "config")
    return new AppError(`unavailable:${e.surface}`, e.message, { cause: e, details: e.details });
  if (e instanceof AppError) return e;
  if (isUnavailable(e))
    return new AppError("unavailable:redis", `Redis is unavailable: ${(e as Error).message}`, { cause: e });
  if (e instanceof ConfigError || (e instanceof Error && e.name === "ConfigError")) {
    return new AppError("unavailable:config", `The server is not configured for this: ${e.message}`, { cause: e });
  }
  return new AppError("internal:api", "Something went wrong on the server.", { cause: e });
}
