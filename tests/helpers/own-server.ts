import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import type { TestServer } from "./servers";

/**
 * A private Redis-family server a test starts itself (to fill it up, kill it, reconfigure it),
 * from the wrappers scripts/test-servers.sh installs (MM_SERVER_BIN_DIR). Ports: random in the
 * range the test passes (never the shared test servers' ports), a few tries.
 */
export interface OwnServer {
  url: string;
  port: number;
  dir: string;
  proc: ChildProcess;
  /** SIGKILL, keeping the directory (restart() brings it back on the same port). */
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function serverBinary(name: TestServer["name"]): string | undefined {
  const dir = process.env.MM_SERVER_BIN_DIR;
  const file = {
    redis7: "redis7-server",
    valkey8: "valkey8-server",
    redis8: "redis8-server",
    "redis-stack": "redis-stack-server",
  }[name];
  const p = dir ? path.join(dir, file) : undefined;
  if (p && existsSync(p)) return p;
  return name === "redis7" && existsSync("/usr/bin/redis-server") ? "/usr/bin/redis-server" : undefined;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer().once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

async function waitFor(what: string, cond: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function spawnServer(binary: string, port: number, dir: string, args: string[]): ChildProcess {
  const proc = spawnRaw(binary, port, dir, args);
  // A server that dies on its own (not through kill/stop) says why: its log tail goes to stderr.
  proc.once("exit", (code, signal) => {
    if ((proc as ChildProcess & { expectedExit?: boolean }).expectedExit) return;
    let tail = "";
    try {
      tail = readFileSync(path.join(dir, "log.txt"), "utf8").split("\n").slice(-30).join("\n");
    } catch {
      // no log
    }
    process.stderr.write(
      `[own-server] ${path.basename(binary)} on port ${port} exited unexpectedly (code ${code}, signal ${signal}):\n${tail}\n`,
    );
  });
  return proc;
}

function spawnRaw(binary: string, port: number, dir: string, args: string[]): ChildProcess {
  return spawn(
    binary,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
      "--logfile",
      path.join(dir, "log.txt"),
      ...args,
    ],
    { stdio: "ignore" },
  );
}

/** Waits until OUR process answers PING on `port`; throws if it exits or someone else answers. */
async function ready(proc: ChildProcess, port: number, dir: string): Promise<void> {
  const probe = new Redis({
    port,
    host: "127.0.0.1",
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => undefined);
  try {
    await waitFor(
      `server on ${port}`,
      async () => {
        if (proc.exitCode !== null || proc.signalCode !== null)
          throw new Error(`server exited (${proc.exitCode ?? proc.signalCode}); see ${dir}/log.txt`);
        try {
          if (probe.status !== "ready") await probe.connect();
          return (await probe.ping()) === "PONG";
        } catch {
          probe.disconnect();
          return false;
        }
      },
      10_000,
    );
    const pid = /process_id:(\d+)/.exec(await probe.info("server"))?.[1];
    if (Number(pid) !== proc.pid) throw new Error(`port ${port} answered from pid ${pid}, not ours`);
  } finally {
    probe.disconnect();
  }
}

const exited = (proc: ChildProcess) =>
  new Promise<void>((resolve) =>
    proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once("exit", () => resolve()),
  );

export async function startOwnServer(
  binary: string,
  opts: { ports: [number, number]; args?: string[] },
): Promise<OwnServer> {
  const dir = mkdtempSync(path.join(tmpdir(), "mm-own-srv-"));
  const args = opts.args ?? [];
  let last: unknown;
  for (let attempt = 0; attempt < 8; attempt++) {
    const [lo, hi] = opts.ports;
    const port = lo + Math.floor(Math.random() * (hi - lo + 1));
    if (!(await portIsFree(port))) continue;
    const proc = spawnServer(binary, port, dir, args);
    try {
      await ready(proc, port, dir);
    } catch (e) {
      last = e;
      (proc as ChildProcess & { expectedExit?: boolean }).expectedExit = true;
      proc.kill("SIGKILL");
      continue;
    }
    const own: OwnServer = {
      url: `redis://127.0.0.1:${port}`,
      port,
      dir,
      proc,
      async kill() {
        (own.proc as ChildProcess & { expectedExit?: boolean }).expectedExit = true;
        own.proc.kill("SIGKILL");
        await exited(own.proc);
      },
      async restart() {
        own.proc = spawnServer(binary, port, dir, args);
        await ready(own.proc, port, dir);
      },
      async stop() {
        await own.kill();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return own;
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`could not start ${binary}: ${String(last)}`);
}
