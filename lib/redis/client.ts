import { Redis, type RedisOptions } from "ioredis";
import { logger } from "../log";

/** The client type for modules outside lib/redis and lib/memory (ESLint keeps ioredis imports here). */
export type { ChainableCommander, Redis } from "ioredis";

const log = logger("redis");
const lastErrors = new WeakMap<Redis, string>();

/**
 * Why the client is not connected, in words a person can act on ("connect ECONNREFUSED …")
 * rather than ioredis' "max retries per request" that a failed command reports.
 */
export function connectionProblem(client: Redis): string | undefined {
  return client.status === "ready" ? undefined : (lastErrors.get(client) ?? `connection ${client.status}`);
}

export interface RedisClientOptions {
  url: string;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  /** Name shown in CLIENT LIST, handy when several processes share a server. */
  name?: string;
}

/**
 * An ioredis client with timeouts that fail fast instead of hanging a webhook: a command
 * waits for at most one reconnect attempt, then rejects so the caller can journal the write.
 * Reconnects forever with capped exponential backoff. rediss:// turns on TLS; the password and
 * db index come from the URL.
 */
export function createRedisClient(opts: RedisClientOptions): Redis {
  const options: RedisOptions = {
    connectTimeout: opts.connectTimeoutMs ?? 5000,
    commandTimeout: opts.commandTimeoutMs ?? 5000,
    maxRetriesPerRequest: 1,
    enableAutoPipelining: false,
    // Kept ON (ioredis' default), decided for issue 11: a command that was sent but not answered
    // when the socket dropped is sent again after the reconnect. For the memory writes that is
    // harmless and saves a journal detour — every append/replay is one guarded script that checks
    // its guard and aborts the whole write when it exists (tested through a proxy that drops the
    // reply and resets the socket). Any other non-idempotent command must be made safe the same
    // way (the chat lock reuses its token; see lib/bot/chat-queue.ts) rather than relying on this.
    autoResendUnfulfilledCommands: true,
    lazyConnect: true,
    connectionName: opts.name ?? "mindmate",
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), 2000),
  };
  const client = new Redis(opts.url, options);
  let lastError = "";
  client.on("error", (err: Error) => {
    // ioredis emits the same error on every reconnect attempt; log each distinct one once.
    if (err.message !== lastError) log.warn("connection error", { url: redactUrl(opts.url), error: err });
    lastError = err.message;
    lastErrors.set(client, err.message);
  });
  client.on("ready", () => {
    if (lastError) log.info("reconnected", { url: redactUrl(opts.url) });
    lastError = "";
    lastErrors.delete(client);
  });
  client.connect().catch(() => undefined); // errors surface per command and via the event above
  return client;
}

/** The URL without its password, for logs and the health page. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(invalid url)";
  }
}
