import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";

/** A server binary wrapper from MM_SERVER_BIN_DIR (redis7-server, valkey8-server, redis8-server, …), if present. */
export function serverBinary(file: string): string | undefined {
  const dir = process.env.MM_SERVER_BIN_DIR ?? path.join(process.env.MINDMATE_CACHE ?? path.join(process.env.HOME ?? "", ".cache/mindmate"), "bin");
  return existsSync(path.join(dir, file)) ? path.join(dir, file) : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface OwnServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * A private, empty server of our own (persistence off) on a free port, with extra arguments
 * such as `--maxmemory 25mb --maxmemory-policy noeviction`. Checks that the port answers from
 * OUR process (pid), so a race for the port never makes a test talk to someone else's server.
 */
export async function startOwnServer(binary: string, args: string[] = []): Promise<OwnServer> {
  let last: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), "mm-own-srv-"));
    const proc: ChildProcess = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", path.join(dir, "log.txt"), ...args], { stdio: "ignore" });
    const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => undefined);
    try {
      const until = Date.now() + 10_000;
      for (;;) {
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`server exited (${proc.exitCode ?? proc.signalCode}); see ${dir}/log.txt`);
        try {
          if (probe.status !== "ready") await probe.connect();
          if ((await probe.ping()) === "PONG") break;
        } catch {
          probe.disconnect();
        }
        if (Date.now() > until) throw new Error(`no PING answer on ${port}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const pid = /process_id:(\d+)/.exec(await probe.info("server"))?.[1];
      if (Number(pid) !== proc.pid) throw new Error(`port ${port} answered from pid ${pid}, not ours (${proc.pid})`);
      probe.disconnect();
      return {
        url: `redis://127.0.0.1:${port}`,
        async stop() {
          if (proc.exitCode === null && proc.signalCode === null) {
            const exited = new Promise((r) => proc.once("exit", r));
            proc.kill("SIGKILL");
            await exited;
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (e) {
      last = e;
      probe.disconnect();
      proc.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  }
  throw new Error(`could not start ${binary}: ${String(last)}`);
}
