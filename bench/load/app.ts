import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { ensureStandaloneBuild } from "@/tests/helpers/standalone-build";

export interface RunningApp {
  url: string;
  logFile: string;
  stop(): Promise<void>;
  /** kill -9 (a crash: no shutdown hooks, after() work lost mid-flight). */
  kill9(): Promise<void>;
  /** Starts the server again on the same port with the same environment and waits until healthy. */
  restart(): Promise<void>;
}

/**
 * The production build served the way it is deployed: `node .next/standalone/server.js`, built
 * first when missing or older than the sources (the same build the deploy test and Playwright
 * use). `env` is the server's whole environment (the caller decides what it inherits).
 */
export async function startApp(opts: {
  port: number;
  env: NodeJS.ProcessEnv;
  logFile: string;
  onLog?: (m: string) => void;
  nodeArgs?: string[];
}): Promise<RunningApp> {
  const { serverJs } = ensureStandaloneBuild(opts.onLog);
  const url = `http://127.0.0.1:${opts.port}`;
  let child: ChildProcess;

  const signal = async (sig: NodeJS.Signals) => {
    const c = child;
    if (c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once("exit", () => resolve());
      c.kill(sig);
    });
  };
  const launch = async () => {
    const log = openSync(opts.logFile, "a");
    child = spawn(process.execPath, [...(opts.nodeArgs ?? []), serverJs], {
      env: { ...opts.env, PORT: String(opts.port), HOSTNAME: "127.0.0.1", NODE_ENV: "production" },
      stdio: ["ignore", log, log],
    });
    closeSync(log);
    const c = child;
    const exited = new Promise<never>((_, reject) =>
      c.once("exit", (code) => reject(new Error(`the app exited with ${code}; see ${opts.logFile}`))),
    );
    exited.catch(() => undefined);
    try {
      await Promise.race([waitHealthy(url, 600_000), exited]);
    } catch (e) {
      await signal("SIGTERM");
      throw e;
    }
  };
  process.once("exit", () => child?.kill("SIGKILL"));
  await launch();
  return { url, logFile: opts.logFile, stop: () => signal("SIGTERM"), kill9: () => signal("SIGKILL"), restart: launch };
}

/** Polls /api/health until 200 with the embedding model loaded (it warms up at start). */
export async function waitHealthy(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/api/health`);
      const body = (await res.json()) as Record<string, unknown> & { embedder?: { loaded?: boolean } };
      if (res.status === 200 && body.embedder?.loaded) return body;
      last = `${res.status} ${JSON.stringify(body).slice(0, 200)}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`app at ${url} not healthy within ${timeoutMs} ms: ${last}`);
}
