import { getMemory } from "../app";
import type { Memory } from "../memory/types";
import { type Runtime } from "../runtime";
import { getRuntime } from "../app";

/** The dashboard's handles: the app runtime (config, Redis, embedder) and the memory facade. */
export async function adminDeps(): Promise<{ rt: Runtime; memory: Memory }> {
  const rt = getRuntime();
  return { rt, memory: await getMemory() };
}
