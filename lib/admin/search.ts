import type { RecallResult } from "../memory/types";
import { adminDeps } from "./deps";
import type { SearchQuery } from "./schemas";

/** Dashboard search: the same recall the bot uses, over one user or all users. */
export async function searchMemories(q: SearchQuery): Promise<RecallResult> {
  const { memory } = await adminDeps();
  return memory.recall({ query: q.q, userId: q.userId, k: q.k, minScore: q.minScore, mode: q.mode });
}
