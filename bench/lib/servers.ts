import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";

/** One server under test. */
export interface BenchServer {
  /** Matrix name (redis7, valkey8, redis8, redis-stack) or "custom". */
  name: string;
  url: string;
  /** "Redis 7.0.15", "Valkey 8.0.1", … from INFO. */
  label: string;
}

const WRAPPER_FILES = ["redis7-server", "valkey8-server", "redis8-server", "redis-stack-server"];

const MATRIX: [string, string][] = [
  ["redis7", "REDIS7_URL"],
  ["valkey8", "VALKEY8_URL"],
  ["redis8", "REDIS8_URL"],
  ["redis-stack", "REDIS_STACK_URL"],
];

/** Parses `export NAME=value` lines printed by scripts/test-servers.sh. */
export function parseExports(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^export ([A-Z0-9_]+)=(.*)$/gm)) out[m[1]!] = m[2]!.replace(/^'(.*)'$/, "$1");
  return out;
}

/**
 * The test matrix from the environment; when none of its URLs is set, starts the servers with
 * scripts/test-servers.sh (idempotent) and reads the URLs it prints.
 */
export function matrixFromEnv(
  env: Record<string, string | undefined>,
  log: (m: string) => void,
  opts: { shared?: boolean } = {},
): { servers: { name: string; url: string }[]; env: Record<string, string> } {
  let vars: Record<string, string> = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  // The wrappers are enough for private instances: never start (or restart) the shared test
  // servers on their default ports 6391-6394, which other people's runs may be using.
  const bin =
    vars.MM_SERVER_BIN_DIR ?? path.join(vars.MINDMATE_CACHE ?? path.join(os.homedir(), ".cache/mindmate"), "bin");
  if (!MATRIX.some(([, v]) => vars[v]) && WRAPPER_FILES.every((f) => existsSync(path.join(bin, f))) && !opts.shared) {
    return { servers: MATRIX.map(([name]) => ({ name, url: "" })), env: { ...vars, MM_SERVER_BIN_DIR: bin } };
  }
  if (!MATRIX.some(([, v]) => vars[v])) {
    log(
      "no REDIS7_URL/VALKEY8_URL/REDIS8_URL/REDIS_STACK_URL set: starting the test servers (scripts/test-servers.sh start)",
    );
    const out = execFileSync("bash", ["scripts/test-servers.sh", "start"], {
      stdio: ["ignore", "pipe", "inherit"],
    }).toString();
    vars = { ...vars, ...parseExports(out) };
  }
  const servers = MATRIX.filter(([, v]) => vars[v]).map(([name, v]) => ({ name, url: vars[v]! }));
  return { servers, env: vars };
}

/** "Redis 7.0.15" / "Valkey 8.0.1" (+ modules) from INFO server and MODULE LIST. */
export async function describeServer(url: string): Promise<string> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    const info = await r.info("server");
    const field = (f: string) => info.match(new RegExp(`^${f}:(.*)$`, "m"))?.[1]?.trim();
    const valkey = field("valkey_version");
    let mods = "";
    try {
      const list = (await r.call("MODULE", "LIST")) as unknown[][];
      const names = list.map((m) => String(m[1])).filter((n) => n !== "vectorset");
      if (names.length) mods = ` + ${names.join(", ")}`;
    } catch {
      // managed servers refuse MODULE LIST
    }
    return (valkey ? `Valkey ${valkey}` : `Redis ${field("redis_version")}`) + mods;
  } finally {
    r.disconnect();
  }
}
