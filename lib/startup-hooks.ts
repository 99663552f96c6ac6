import type { Runtime } from "./runtime";
import { startAppQueueSweeper } from "./bot";
import { warmUpBot } from "./bot/startup";
import { bindMetricsSink } from "./metrics";
import { passwordAnnouncement } from "./auth/password";

/**
 * Feature start-up steps (admin password notice, bot info cache, …), in order. Each feature
 * adds its own line here so lib/startup.ts stays about config and connections.
 */
export async function runStartupHooks(rt: Runtime): Promise<void> {
  const adminPassword = passwordAnnouncement(); // generated dashboard password, printed once
  if (adminPassword) console.log(adminPassword);
  bindMetricsSink({ redis: rt.redis, prefix: rt.config.redis.prefix }); // latency metrics → this Redis
  warmUpBot(rt); // tokenizer tables + bot info (webhook mode), in the background
  startAppQueueSweeper(rt.config); // chat queues whose worker died: at start, then on a timer
}
