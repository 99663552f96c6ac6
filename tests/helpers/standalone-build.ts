import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";

/**
 * One production build (`.next`, output: "standalone") shared by the deploy test, the load
 * benchmark and the Playwright server (scripts/e2e-server.sh): rebuilt only when a source file
 * is newer than the last build, so a test run builds at most once.
 */
export const ROOT = path.resolve(__dirname, "../..");
const SOURCES = [
  "app",
  "lib",
  "components",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.mjs",
  "package-lock.json",
  "postcss.config.mjs",
];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

/** Why a rebuild is needed, or undefined when .next/standalone is current. */
export function staleReason(): string | undefined {
  const server = path.join(ROOT, ".next/standalone/server.js");
  const buildId = path.join(ROOT, ".next/BUILD_ID");
  if (!existsSync(server) || !existsSync(buildId)) return "no standalone build";
  const built = statSync(buildId).mtimeMs;
  const changed = SOURCES.find((s) => newestMtime(path.join(ROOT, s)) > built);
  return changed ? `${changed} changed since the last build` : undefined;
}

/**
 * Builds if stale, then puts the static assets beside the standalone server (as the Dockerfile,
 * render.yaml and scripts/e2e-server.sh do). Returns the server.js path and whether it built.
 */
export function ensureStandaloneBuild(log: (m: string) => void = () => undefined): {
  serverJs: string;
  built: boolean;
} {
  const reason = staleReason();
  if (reason) {
    log(`next build (${reason})`);
    execFileSync("npx", ["next", "build"], {
      cwd: ROOT,
      stdio: ["ignore", 2, 2],
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });
  }
  const staticDest = path.join(ROOT, ".next/standalone/.next/static");
  // Static files are named by content hash: a copy made after this build is complete.
  if (
    reason ||
    !existsSync(staticDest) ||
    statSync(staticDest).mtimeMs < statSync(path.join(ROOT, ".next/BUILD_ID")).mtimeMs
  ) {
    rmSync(staticDest, { recursive: true, force: true });
    cpSync(path.join(ROOT, ".next/static"), staticDest, { recursive: true });
  }
  if (existsSync(path.join(ROOT, "public")))
    cpSync(path.join(ROOT, "public"), path.join(ROOT, ".next/standalone/public"), { recursive: true });
  return { serverJs: path.join(ROOT, ".next/standalone/server.js"), built: Boolean(reason) };
}
