/**
 * The private Redis 8 that `npm run dev` starts when REDIS_URL is not set (scripts/dev.ts).
 *
 * - Binary: the Redis 8 wrapper the tests use ($MINDMATE_CACHE/bin/redis8-server), installed by
 *   `scripts/test-servers.sh install redis8` (Debian packages, cached outside the clone,
 *   idempotent); else a `redis-server` >= 8 on PATH (macOS with brew, other Linux); else a
 *   clear error saying how to get one or how to set REDIS_URL.
 * - Data: AOF in `.data/redis` of the project (git-ignored), so memories survive restarts.
 *   (EMBEDDED_REDIS_DATA_DIR moves it.)
 * - Network: 127.0.0.1 only, on EMBEDDED_REDIS_PORT or a free port.
 * - Lifetime: a child of the launcher, stopped when it stops; a detached watchdog stops it
 *   too if the launcher is killed with SIGKILL (no orphan keeps the data folder locked).
 *   A second dev server on the same folder reuses the running one instead of starting another.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export type RedisPlan =
  { kind: "own"; url: string } | { kind: "production" } | { kind: "embedded"; dataDir: string; port?: number };

export class DevRedisError extends Error {
  override name = "DevRedisError";
}

/** Own REDIS_URL → use it; production → never start one; otherwise the embedded one. */
export function planRedis(env: Record<string, string | undefined>, root: string): RedisPlan {
  const url = env.REDIS_URL?.trim();
  if (url) return { kind: "own", url };
  if (env.NODE_ENV === "production") return { kind: "production" };
  const port = env.EMBEDDED_REDIS_PORT?.trim() ? Number(env.EMBEDDED_REDIS_PORT) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new DevRedisError(`EMBEDDED_REDIS_PORT=${env.EMBEDDED_REDIS_PORT} is not a port number (1-65535).`);
  }
  const dataDir = env.EMBEDDED_REDIS_DATA_DIR?.trim()
    ? path.resolve(root, env.EMBEDDED_REDIS_DATA_DIR.trim())
    : path.join(root, ".data", "redis");
  return { kind: "embedded", dataDir, port: port || undefined };
}

export function defaultCacheDir(env: Record<string, string | undefined>): string {
  return env.MINDMATE_CACHE?.trim() || path.join(os.homedir(), ".cache", "mindmate");
}

function majorVersion(bin: string): number | undefined {
  try {
    const out = execFileSync(bin, ["--version"], { stdio: ["ignore", "pipe", "ignore"], timeout: 10_000 }).toString();
    const m = /v=(\d+)\./.exec(out);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const p = path.join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

const HOW_TO_GET_ONE =
  "Install Redis 8 (macOS: `brew install redis`; Docker: `docker run -d -p 6379:6379 redis:8`) " +
  "or point the app at any Redis with REDIS_URL=redis://host:port in .env.local.";

/** Finds (or installs, on Debian-like Linux) a Redis >= 8 server binary. */
export function findRedis8(opts: { cacheDir: string; root: string; log: (line: string) => void }): {
  bin: string;
  how: string;
} {
  const cached = path.join(opts.cacheDir, "bin", "redis8-server");
  if (existsSync(cached) && (majorVersion(cached) ?? 0) >= 8) return { bin: cached, how: "cached" };
  const system = onPath("redis-server");
  const systemMajor = system ? majorVersion(system) : undefined;
  if (system && (systemMajor ?? 0) >= 8) return { bin: system, how: "on PATH" };
  const debianLike = process.platform === "linux" && onPath("apt-get") && onPath("dpkg-deb");
  if (!debianLike) {
    const seen = system
      ? `the redis-server on PATH is version ${systemMajor ?? "unknown"}, not 8+`
      : "no redis-server >= 8 on PATH";
    throw new DevRedisError(
      `Cannot start the embedded Redis 8: ${seen}, and automatic install needs Debian's apt-get. ${HOW_TO_GET_ONE}`,
    );
  }
  opts.log("installing Redis 8 once (Debian packages, cached in " + opts.cacheDir + "; about a minute)…");
  try {
    const out = execFileSync("bash", [path.join(opts.root, "scripts", "test-servers.sh"), "install", "redis8"], {
      env: { ...process.env, MINDMATE_CACHE: opts.cacheDir },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 15 * 60_000,
    });
    const bin = out.toString().trim().split("\n").at(-1)!;
    if ((majorVersion(bin) ?? 0) >= 8) return { bin, how: "installed" };
    throw new DevRedisError(`${bin} does not report Redis 8`);
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim().split("\n").slice(-3).join(" ") ?? "";
    throw new DevRedisError(
      `Cannot install the embedded Redis 8 (${stderr || (e as Error).message}). ${HOW_TO_GET_ONE}`,
      { cause: e },
    );
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** One RESP round trip without a client library: does a server answer PING on this port? */
export function ping(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once("error", () => done(false));
    sock.once("connect", () => sock.write("PING\r\n"));
    sock.once("data", (d) => done(d.toString().startsWith("+PONG")));
  });
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+[ZX]/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return true; // no /proc (macOS): kill -0 is all we have
  }
}

export interface EmbeddedRedis {
  url: string;
  port: number;
  pid: number;
  dataDir: string;
  /** Started by another dev server on the same data folder; we neither own nor stop it. */
  reused: boolean;
  bin: string;
  /** Stops it (AOF is flushed by Redis on SIGTERM); resolves when the process is gone. */
  stop(): Promise<void>;
}

interface StateFile {
  pid: number;
  port: number;
  owner: number;
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

function tail(file: string, n = 8): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-n).join("\n");
  } catch {
    return "(no log)";
  }
}

/**
 * Stops `pid` once `parent` is gone — survives the parent's SIGKILL because it is a separate,
 * detached process. Exits by itself when the server exits first.
 */
export function spawnWatchdog(parent: number, pids: number[]): void {
  const alive = pids.map((p) => `kill -0 ${p} 2>/dev/null`).join(" || ");
  const script = `while kill -0 ${parent} 2>/dev/null && { ${alive}; }; do sleep 1; done; kill -TERM ${pids.join(" ")} 2>/dev/null; exit 0`;
  spawn("bash", ["-c", script], { detached: true, stdio: "ignore" }).unref();
}

export async function startEmbeddedRedis(opts: {
  dataDir: string;
  port?: number;
  cacheDir: string;
  root: string;
  log: (line: string) => void;
}): Promise<EmbeddedRedis> {
  mkdirSync(opts.dataDir, { recursive: true });
  const stateFile = path.join(opts.dataDir, "embedded.json");
  const logFile = path.join(opts.dataDir, "redis.log");

  // Another dev server already runs the Redis of this data folder: share it.
  if (existsSync(stateFile)) {
    try {
      const s = JSON.parse(readFileSync(stateFile, "utf8")) as StateFile;
      if (pidAlive(s.pid) && pidAlive(s.owner) && (await ping(s.port))) {
        return {
          url: `redis://127.0.0.1:${s.port}`,
          port: s.port,
          pid: s.pid,
          dataDir: opts.dataDir,
          reused: true,
          bin: "",
          stop: async () => {},
        };
      }
      if (pidAlive(s.pid)) {
        // Left over by a launcher that died: stop it so it releases the data folder.
        process.kill(s.pid, "SIGTERM");
        await waitFor(() => !pidAlive(s.pid), 10_000);
      }
    } catch {
      /* unreadable state: start fresh */
    }
    rmSync(stateFile, { force: true });
  }

  const { bin } = findRedis8(opts);
  const port = opts.port ?? (await freePort());
  if (await ping(port))
    throw new DevRedisError(
      `Port ${port} (EMBEDDED_REDIS_PORT) is already used by another Redis; pick another port or set REDIS_URL to use that one.`,
    );
  writeFileSync(logFile, "");
  const child: ChildProcess = spawn(
    bin,
    [
      "--bind",
      "127.0.0.1",
      "--port",
      String(port),
      "--protected-mode",
      "yes",
      "--dir",
      opts.dataDir,
      "--appendonly",
      "yes",
      "--appendfsync",
      "everysec",
      "--save",
      "",
      "--daemonize",
      "no",
      "--logfile",
      logFile,
    ],
    { detached: true, stdio: "ignore" }, // own process group: Ctrl+C reaches the app first, we stop Redis after it
  );
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  let spawnError: Error | undefined;
  child.once("error", (e) => (spawnError = e));
  const up = await waitFor(
    async () => spawnError !== undefined || child.exitCode !== null || (await ping(port)),
    20_000,
  );
  if (!up || spawnError || child.exitCode !== null || !(await ping(port))) {
    child.kill("SIGKILL");
    throw new DevRedisError(
      `The embedded Redis 8 (${bin}) did not start on 127.0.0.1:${port}: ${spawnError?.message ?? (child.exitCode !== null ? `it exited with code ${child.exitCode}` : "no answer to PING within 20 s")}. ` +
        `Last lines of ${logFile}:\n${tail(logFile)}`,
    );
  }
  const pid = child.pid!;
  writeFileSync(stateFile, JSON.stringify({ pid, port, owner: process.pid } satisfies StateFile));
  spawnWatchdog(process.pid, [pid]);

  let stopping: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid,
    dataDir: opts.dataDir,
    reused: false,
    bin,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const gone = await Promise.race([
            exited.then(() => true),
            new Promise<boolean>((r) => setTimeout(() => r(false), 10_000)),
          ]);
          if (!gone) child.kill("SIGKILL");
        }
        rmSync(stateFile, { force: true });
      })();
      return stopping;
    },
  };
}
