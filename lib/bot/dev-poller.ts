import { AppError } from "../errors";
import { logger } from "../log";
import { backoffMs } from "./best-effort";
import { runPoller, type PollerApp, type RunningPoller } from "./run-poller";
import { peekProcessSingleton, processSingleton } from "../app/state";

const log = logger("bot");

/** What the start page shows about the dev server's own poller. */
export type DevPollerState =
  | { state: "off" }
  | { state: "starting" }
  | { state: "polling"; username: string }
  | { state: "standby"; heldBy: string }
  | { state: "failed"; error: string };

type DevPoller = { status: DevPollerState; running?: RunningPoller };

export function devPollerStatus(): DevPollerState {
  return peekProcessSingleton<DevPoller>("bot:dev-poller")?.status ?? { state: "off" };
}

const STANDBY_RETRY_MS = 10_000;

/**
 * `npm run dev` with TELEGRAM_BOT_TOKEN and no webhook configured: long polling inside the dev
 * server, so a newcomer can chat right away. One per process (lib/app/state.ts, across hot
 * reloads) and one per bot across processes (the Redis poll lock): a second dev server waits in
 * standby and takes over when the first stops.
 */
export function startDevPoller(app: PollerApp): void {
  if (peekProcessSingleton("bot:dev-poller")) return;
  const me = processSingleton<DevPoller>("bot:dev-poller", () => ({ status: { state: "starting" } }));
  // No signal handlers here: they would keep Next.js' server from exiting on Ctrl+C. A lock
  // left by a dead dev server on this machine is taken over at once (poll-lock.ts), one on
  // another machine expires after its TTL.
  let failures = 0;

  const attempt = async (): Promise<void> => {
    try {
      me.running = await runPoller(app, { label: "npm run dev" });
      const username = (await app.bot()).botInfo.username;
      me.status = { state: "polling", username };
      failures = 0;
      await me.running.done;
      throw new Error("polling ended unexpectedly");
    } catch (e) {
      if (e instanceof AppError && e.code === "conflict:bot" && /Another poller/.test(e.message)) {
        if (me.status.state !== "standby")
          log.info(`${e.message} This dev server retries every ${STANDBY_RETRY_MS / 1000} s.`);
        me.status = { state: "standby", heldBy: e.message };
        setTimeout(() => void attempt(), STANDBY_RETRY_MS).unref();
        return;
      }
      if (e instanceof AppError && (e.code === "config:bot" || e.code === "conflict:bot")) {
        me.status = { state: "failed", error: e.message }; // bad token / 409: retrying cannot help
        log.error(`Telegram polling stopped: ${e.message}`);
        return;
      }
      // Anything else (Redis busy while the dev server compiles, Telegram unreachable) passes.
      failures++;
      if (failures === 1) log.warn(`Telegram polling could not start (${(e as Error).message}); retrying with backoff`);
      me.status = { state: "starting" };
      setTimeout(() => void attempt(), backoffMs(failures, 30_000)).unref();
    }
  };
  void attempt();
}
