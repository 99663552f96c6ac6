import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
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
  stop(): Promise<void>;
}

export function serverBinary(name: TestServer["name"]): string | undefined {
  const dir = process.env.MM_SERVER_BIN_DIR;
  const file = { redis7: "redis7-server", valkey8: "valkey8-server", redis8: "redis8-server", "redis-stack": "redis-stack-server" }[name];
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

export async function startOwnServer(binary: string, opts: { ports: [number, number]; args?: string[] }): Promise<OwnServer> {
  const dir = mkdtempSync(path.join(tmpdir(), "mm-own-srv-"));
  let last: unknown;
  for (let attempt = 0; attempt < 8; attempt++) {
    const [lo, hi] = opts.ports;
    const port = lo + Math.floor(Math.random() * (hi - lo + 1));
    if (!(await portIsFree(port))) continue;
    const proc = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", path.join(dir, "log.txt"), ...(opts.args ?? [])], { stdio: "ignore" });
    const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => undefined);
    try {
      await waitFor(`server on ${port}`, async () => {
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`server exited (${proc.exitCode ?? proc.signalCode}); see ${dir}/log.txt`);
        try {
          if (probe.status !== "ready") await probe.connect();
          return (await probe.ping()) === "PONG";
        } catch {
          probe.disconnect();
          return false;
        }
      }, 10_000);
      const pid = /process_id:(\d+)/.exec(await probe.info("server"))?.[1];
      if (Number(pid) !== proc.pid) throw new Error(`port ${port} answered from pid ${pid}, not ours`);
      const stop = async () => {
        if (proc.exitCode === null && proc.signalCode === null) {
          const gone = new Promise((r) => proc.once("exit", r));
          proc.kill("SIGKILL");
          await gone;
        }
        rmSync(dir, { recursive: true, force: true });
      };
      return { url: `redis://127.0.0.1:${port}`, port, dir, proc, stop };
    } catch (e) {
      last = e;
      proc.kill("SIGKILL");
    } finally {
      probe.disconnect();
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`could not start ${binary}: ${String(last)}`);
}
