import type { MemoryContext } from "../context";
import { EMBED_SCHEME } from "../contextual";
import { parseHistoryEntry } from "../history";
import { assertUserId } from "../ids";
import { withRedis } from "../redis-errors";
import { getProfile } from "../profile";
import { parseSettings } from "../settings";
import type { HistoryMessage, UserExport } from "../types";
import { vectorToBase64 } from "./export-schema";

const PAGE = 500;

/**
 * Everything stored for one user as a versioned document: settings, the whole history list and
 * every long-term memory (with base64 float32 vectors and the embedder id when asked, so an
 * import into the same model skips re-embedding). Writes still in the journal are not included.
 */
export async function exportUser(
  ctx: MemoryContext,
  userId: number,
  opts: { vectors?: boolean } = {},
): Promise<UserExport> {
  assertUserId(userId);
  const [hash, rawHistory] = await withRedis("export the user", async () => {
    const res = await ctx.redis
      .pipeline()
      .hgetall(ctx.keys.settings(userId))
      .lrange(ctx.keys.history(userId), 0, -1)
      .exec();
    const err = res?.find(([e]) => e)?.[0];
    if (err) throw err;
    return [res![0]![1] as Record<string, string>, res![1]![1] as string[]] as const;
  });
  const history = rawHistory
    .map(parseHistoryEntry)
    .filter((m): m is HistoryMessage => m !== undefined)
    .reverse();

  const memories: UserExport["memories"] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await withRedis("export memories", () =>
      ctx.engine.list(userId, { offset, limit: PAGE, withVectors: opts.vectors }),
    );
    for (const r of page.records) {
      memories.push({
        id: r.id,
        role: r.role,
        content: r.content,
        ts: new Date(r.ts).toISOString(),
        ...(r.meta && Object.keys(r.meta).length > 0 ? { meta: r.meta } : {}),
        ...(opts.vectors && r.vector && r.vector.length > 0
          ? { vector: vectorToBase64(r.vector), embedder: ctx.embedder.id, scheme: EMBED_SCHEME }
          : {}),
      });
    }
    if (page.records.length < PAGE || offset + PAGE >= page.total) break;
  }
  memories.reverse(); // oldest first, like history
  const profile = await getProfile(ctx, userId);

  return {
    format: "mindmate.user",
    version: 1,
    exportedAt: new Date().toISOString(),
    userId,
    settings: parseSettings(hash),
    history,
    ...(profile.facts.length > 0 || profile.upTo
      ? { profile: { facts: profile.facts, ...(profile.upTo ? { upTo: profile.upTo } : {}) } }
      : {}),
    memories,
  };
}
