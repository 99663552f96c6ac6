import { AppError } from "../errors";
import { logger } from "../log";
import type { Runtime } from "../runtime";
import { runPoller, type RunningPoller } from "./run-poller";

const log = logger("bot");

/** What the start page shows about the dev server's own poller. */
export type DevPollerState =
  | { state: "off" }
  | { state: "starting" }
  | { state: "polling"; username: string }
  | { state: "standby"; heldBy: string }
  | { state: "failed"; error: string };

const g = globalThis as unknown as { __mindmateDevPoller?: { status: DevPollerState; running?: RunningPoller } };

export function devPollerStatus(): DevPollerState {
  return g.__mindmateDevPoller?.status ?? { state: "off" };
}

const STANDBY_RETRY_MS = 10_000;

/**
 * `npm run dev` with TELEGRAM_BOT_TOKEN and no webhook configured: long polling inside the dev
 * server, so a newcomer can chat right away. One per process (kept on globalThis across hot
 * reloads) and one per bot across processes (the Redis poll lock): a second dev server waits in
 * standby and takes over when the first stops. Stopped, and the lock released, on SIGINT/SIGTERM.
 */
export function startDevPoller(rt: Runtime): void {
  if (g.__mindmateDevPoller) return;
  const me: { status: DevPollerState; running?: RunningPoller } = { status: { state: "starting" } };
  g.__mindmateDevPoller = me;
  let stopped = false;
  const stop = () => {
    stopped = true;
    void me.running?.stop();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);

  const attempt = async (): Promise<void> => {
    if (stopped) return;
    try {
      me.running = await runPoller(rt, { label: "npm run dev" });
      const username = (await import("./index").then((m) => m.getAppBot())).botInfo.username;
      me.status = { state: "polling", username };
      await me.running.done;
      if (!stopped) throw new Error("polling ended unexpectedly");
    } catch (e) {
      if (stopped) return;
      if (e instanceof AppError && e.code === "conflict:bot" && /Another poller/.test(e.message)) {
        if (me.status.state !== "standby") log.info(`${e.message} This dev server retries every ${STANDBY_RETRY_MS / 1000} s.`);
        me.status = { state: "standby", heldBy: e.message };
        setTimeout(() => void attempt(), STANDBY_RETRY_MS).unref();
        return;
      }
      me.status = { state: "failed", error: (e as Error).message };
      log.error(`Telegram polling stopped: ${(e as Error).message}`);
    }
  };
  void attempt();
}
