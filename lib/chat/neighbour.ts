import { contextFor } from "../memory/contextual";
import type { Memory } from "../memory/types";

/**
 * The context a new user message is embedded with (issue 14, lib/memory/contextual.ts): the
 * conversation's previous message — usually the bot reply it answers. One LRANGE; skipped while
 * Redis is down (the message goes to the journal then and is embedded on its own).
 */
export async function previousMessageContext(memory: Memory, userId: number): Promise<string | undefined> {
  if (memory.journalState().degraded) return undefined;
  try {
    const [last] = await memory.getHistory(userId, 1);
    return contextFor(last, Date.now());
  } catch {
    return undefined; // context only sharpens the vector; the message is stored without it
  }
}
