import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";

/** A free TCP port on loopback (bind :0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const r = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 500,
    });
    r.on("error", () => undefined);
    try {
      await r.connect();
      if ((await r.ping()) === "PONG") return; // answers only after an AOF reload finished
    } catch (e) {
      last = (e as Error).message;
    } finally {
      r.disconnect();
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`server at ${url} did not answer PING within ${timeoutMs} ms (${last})`);
}

export interface OwnedServer {
  url: string;
  port: number;
  dir: string;
  /** kill -9: no shutdown, no final fsync. */
  kill9(): Promise<void>;
  /** Starts the same binary on the same port and data dir (AOF replays) and waits for PING. */
  restart(): Promise<void>;
  /** Stops the server and deletes its data dir unless `keepData` (kept for a post-mortem). */
  stop(keepData?: boolean): Promise<void>;
}

/**
 * A private Redis-family server for one bench run: its own port and data dir, so it can be
 * flushed, measured (INFO memory) or killed without touching anyone else's server.
 * `binary` is a wrapper from $MM_SERVER_BIN_DIR (redis7-server, valkey8-server, …).
 */
export async function startOwnedServer(
  binary: string,
  opts: { appendonly?: boolean; label?: string } = {},
): Promise<OwnedServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), `mindmate-bench-${opts.label ?? "redis"}-`));
  mkdirSync(dir, { recursive: true });
  const url = `redis://127.0.0.1:${port}`;
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--save",
    "",
    "--daemonize",
    "no",
    "--appendonly",
    opts.appendonly ? "yes" : "no",
    "--appendfsync",
    opts.appendonly ? "always" : "everysec",
    "--maxmemory-policy",
    "noeviction",
  ];
  let child: ChildProcess | undefined;

  const launch = async () => {
    const log = openSync(path.join(dir, "server.log"), "a");
    child = spawn(binary, args, { stdio: ["ignore", log, log] });
    const exited = new Promise<never>((_, reject) =>
      child!.once("exit", (code) => reject(new Error(`${binary} exited with ${code}; see ${dir}/server.log`))),
    );
    exited.catch(() => undefined);
    await Promise.race([waitForPing(url, 30_000), exited]);
  };
  const kill = async (signal: NodeJS.Signals) => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once("exit", () => resolve());
      c.kill(signal);
    });
  };
  const onExit = () => child?.kill("SIGKILL");
  process.once("exit", onExit);

  await launch();
  return {
    url,
    port,
    dir,
    kill9: () => kill("SIGKILL"),
    restart: launch,
    async stop(keepData = false) {
      await kill("SIGTERM");
      process.removeListener("exit", onExit);
      if (!keepData) rmSync(dir, { recursive: true, force: true });
    },
  };
}
