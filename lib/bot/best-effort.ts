import { GrammyError, HttpError, type Api } from "grammy";
import { AppError } from "../errors";
import { logger } from "../log";

const log = logger("bot");

/**
 * Start-up rules for long polling and the webhook (issue 18): only what is needed to receive
 * updates may stop the bot. An invalid token (401) or a second poller (409) is fatal with a
 * message that says what to do; everything cosmetic (the command menu, the bot-info cache
 * refresh) is logged once with the method and the server's answer and retried in the
 * background with capped backoff; getUpdates outages (network, 5xx) are waited out.
 */

export const BACKOFF_CAP_MS = 60_000;

/** 1 s, 2 s, 4 s … capped. */
export function backoffMs(attempt: number, capMs = BACKOFF_CAP_MS, baseMs = 1000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** "404: Not Found", "(no description)", or the network error: what the server answered. */
export function serverAnswer(e: unknown): string {
  if (e instanceof GrammyError) return `${e.error_code ?? "no error code"}: ${e.description ?? "(no description)"}`;
  if (e instanceof HttpError) return `network error: ${(e.error as Error)?.message ?? e.message}`;
  return (e as Error)?.message ?? String(e);
}

/** The fatal start-up errors, as an AppError whose message is the fix; undefined otherwise. */
export function fatalTelegramError(e: unknown, method: string): AppError | undefined {
  if (!(e instanceof GrammyError)) return undefined;
  if (e.error_code === 401 && ["getMe", "getUpdates", "setWebhook"].includes(method)) {
    return new AppError(
      "config:bot",
      `Telegram refused the bot token (${method}: 401 ${e.description ?? "Unauthorized"}). TELEGRAM_BOT_TOKEN is wrong or was revoked: ` +
        "copy the token from @BotFather (/mybots → your bot → API Token) into TELEGRAM_BOT_TOKEN and start again.",
      { cause: e },
    );
  }
  if (e.error_code === 409) {
    return new AppError(
      "conflict:bot",
      `Telegram refused ${method} (409 ${e.description ?? "Conflict"}): another process is receiving this bot's updates. ` +
        "Stop the other `npm run bot:poll` / `npm run dev` using this token (or run `npm run webhook:delete` if a webhook took over), then start again.",
      { cause: e },
    );
  }
  return undefined;
}

export interface BackgroundTask {
  /** Resolves when the task succeeded (or was stopped). */
  done: Promise<void>;
  stop(): void;
}

/**
 * Runs a cosmetic Bot API call until it succeeds: the first failure is logged with the method
 * and the server's answer, retries are quiet (capped backoff), success after failures is
 * logged once. Never throws; timers do not keep the process alive.
 */
export function retryInBackground(
  method: string,
  task: () => Promise<unknown>,
  opts: { capMs?: number; baseMs?: number } = {},
): BackgroundTask {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const done = (async () => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        await task();
        if (attempt > 1) log.info(`${method} succeeded after ${attempt - 1} failed attempt(s)`);
        return;
      } catch (e) {
        const fatal = fatalTelegramError(e, method);
        if (fatal) {
          log.error(fatal.message);
          return;
        }
        if (attempt === 1)
          log.warn(`${method} failed (${serverAnswer(e)}); the bot keeps working and retries it in the background`);
      }
      await new Promise<void>((r) => {
        wake = r;
        timer = setTimeout(r, backoffMs(attempt, opts.capMs, opts.baseMs));
        timer.unref();
      });
    }
  })();
  return {
    done,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake?.();
    },
  };
}

/** grammY passes its own AbortSignal type (abort-controller shim); only these members are used. */
type SignalLike = {
  aborted: boolean;
  addEventListener(type: "abort", cb: () => void, o?: { once: boolean }): void;
  removeEventListener(type: "abort", cb: () => void): void;
};

function abortableSleep(ms: number, signal?: SignalLike): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * API transformer for long polling. getUpdates: a network error or 5xx is logged once per
 * outage and retried with capped backoff (0.5 s doubling to 30 s) with the same offset; the
 * first success after an outage is logged.
 * deleteWebhook: a server that refuses it (other than 401) only gets a warning — if a webhook
 * really is set, getUpdates answers 409, which is fatal with the fix.
 */
export function installPollingResilience(api: Api, opts: { capMs?: number; baseMs?: number } = {}): void {
  const cap = opts.capMs ?? 30_000;
  const base = opts.baseMs ?? 500;
  api.config.use(async (prev, method, payload, signal) => {
    if (method === "deleteWebhook") {
      try {
        const res = await prev(method, payload, signal);
        if (res.ok || res.error_code === 401) return res;
        log.warn(
          `deleteWebhook failed (${res.error_code ?? "no error code"}: ${res.description ?? "(no description)"}); polling anyway`,
        );
      } catch (e) {
        log.warn(`deleteWebhook failed (${serverAnswer(e)}); polling anyway`);
      }
      return { ok: true, result: true as never };
    }
    // (bot.stop() confirms the offset with a getUpdates without a signal: not retried.)
    if (method !== "getUpdates" || !signal) return prev(method, payload, signal);
    // Retried here with the same payload (same offset) until Telegram answers, so grammY's own
    // loop never sees the outage: nothing is skipped, nothing is handled twice.
    for (let failures = 0; ;) {
      let failure: string;
      try {
        const res = await prev(method, payload, signal);
        if (res.ok || (res.error_code !== undefined && res.error_code < 500)) {
          if (res.ok && failures > 0)
            log.info(
              `getUpdates works again after ${failures} failed attempt(s); resuming at offset ${String((payload as { offset?: number }).offset ?? 0)}`,
            );
          return res;
        }
        failure = `${res.error_code ?? "no error code"}: ${res.description ?? "(no description)"}`;
      } catch (e) {
        if (signal?.aborted) throw e;
        failure = serverAnswer(e);
      }
      failures++;
      if (failures === 1)
        log.warn(
          `getUpdates failed (${failure}); retrying with backoff (capped at ${Math.round(cap / 1000)} s) until Telegram answers`,
        );
      await abortableSleep(backoffMs(failures, cap, base), signal);
      if (signal?.aborted) throw new Error("polling stopped");
    }
  });
}
