/**
 * npm run dev [-- <next dev args>]   e.g. `npm run dev -- -p 3001` (PORT is honoured by next dev)
 * npm run dev -- --redis-only        only the embedded Redis, until Ctrl+C (for bot:poll, scripts)
 *
 * The whole product on one command. When REDIS_URL is not set (environment or .env files) and
 * NODE_ENV is not production, starts a private Redis 8 (scripts/dev-redis.ts: AOF in
 * .data/redis, 127.0.0.1 only) and runs `next dev` with REDIS_URL pointing at it; stops it when
 * the dev server stops. If it cannot start, the reason goes to the console and, through
 * EMBEDDED_REDIS_ERROR, to the start page — the app still serves.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { loadEnvConfig } from "@next/env";
import {
  defaultCacheDir,
  DevRedisError,
  planRedis,
  spawnWatchdog,
  startEmbeddedRedis,
  type EmbeddedRedis,
} from "./dev-redis";

const root = path.resolve(__dirname, "..");
const say = (line: string) => console.log(`[dev] ${line}`);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const redisOnly = argv.includes("--redis-only");
  const nextArgs = argv.filter((a) => a !== "--redis-only");
  loadEnvConfig(root, true, { info: () => {}, error: console.error });

  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  let redis: EmbeddedRedis | undefined;
  try {
    const plan = planRedis(process.env, root);
    delete childEnv.EMBEDDED_REDIS_DATA_DIR; // only set when the app really runs on the embedded one
    delete childEnv.EMBEDDED_REDIS_ERROR;
    if (plan.kind === "own") say(`using REDIS_URL from the environment (no embedded Redis)`);
    else if (plan.kind === "production") say("NODE_ENV=production: no embedded Redis; REDIS_URL is required");
    else {
      redis = await startEmbeddedRedis({
        dataDir: plan.dataDir,
        port: plan.port,
        cacheDir: defaultCacheDir(process.env),
        root,
        log: say,
      });
      const rel = path.relative(root, redis.dataDir).startsWith("..")
        ? redis.dataDir
        : path.relative(root, redis.dataDir) || ".";
      say(
        `embedded Redis 8 at ${redis.url}, data in ${rel}${redis.reused ? " (shared with the dev server already running)" : ""}; set REDIS_URL to use your own`,
      );
      childEnv.REDIS_URL = redis.url;
      childEnv.EMBEDDED_REDIS_DATA_DIR = redis.dataDir;
    }
  } catch (e) {
    const why = e instanceof DevRedisError ? e.message : `Cannot start the embedded Redis 8: ${(e as Error).message}`;
    console.error(`[dev] ${why}`);
    console.error("[dev] The app starts anyway; set REDIS_URL=redis://host:port in .env.local to use your own Redis.");
    childEnv.EMBEDDED_REDIS_ERROR = why;
  }

  let stopping = false;
  const stopRedis = async () => {
    await redis?.stop();
  };

  if (redisOnly) {
    if (!redis) process.exit(1);
    say("running only Redis; press Ctrl+C to stop");
    const stop = () => {
      if (stopping) return;
      stopping = true;
      void stopRedis().then(() => process.exit(0));
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    return;
  }

  const nextBin = require.resolve("next/dist/bin/next", { paths: [root] });
  const next = spawn(process.execPath, [nextBin, "dev", ...nextArgs], { cwd: root, env: childEnv, stdio: "inherit" });
  spawnWatchdog(process.pid, [next.pid!]); // next dev must not outlive a SIGKILLed launcher either
  const forward = (sig: NodeJS.Signals) => {
    stopping = true;
    if (next.exitCode === null) next.kill(sig);
  };
  process.on("SIGINT", () => forward("SIGINT"));
  process.on("SIGTERM", () => forward("SIGTERM"));
  process.on("SIGHUP", () => forward("SIGTERM"));
  next.on("exit", (code, signal) => {
    // Redis goes last, so the app's shutdown (polling lock release, journal) still reaches it.
    void stopRedis().then(() => process.exit(code ?? (signal && !stopping ? 1 : 0)));
  });
}

main().catch((e: unknown) => {
  console.error(`[dev] ${(e as Error).message}`);
  process.exit(1);
});
