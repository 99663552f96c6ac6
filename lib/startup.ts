import { ConfigError, getConfig } from "./config";
import { logger } from "./log";
import { getRuntime } from "./runtime";

const log = logger("startup");

export async function startup(): Promise<void> {
  let config;
  try {
    config = getConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`\n${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  for (const m of config.missing) log.warn(`${m.variable} is not set. ${m.effect} Fix: ${m.fix}`);
  const rt = getRuntime();
  // Not awaited: the server must come up (and /api/health explain) even when Redis is down.
  if (config.redis.problem) log.error(`${config.redis.problem} The app runs; /api/health reports 503 until it is set.`);
  else rt.probe().catch((e: Error) => log.error(`${e.message}. The app runs; /api/health reports 503 until Redis answers.`));
  rt.embedder.warmUp().catch((e: Error) => log.error(e.message));
  const hooks = await import("./startup-hooks");
  await hooks.runStartupHooks(rt);
}
