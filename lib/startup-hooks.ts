import type { Runtime } from "./runtime";

/**
 * Feature start-up steps (admin password notice, bot info cache, …), in order. Each feature
 * adds its own line here so lib/startup.ts stays about config and connections.
 */
export async function runStartupHooks(rt: Runtime): Promise<void> {
  void rt;
}
