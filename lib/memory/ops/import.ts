import { AppError } from "../../errors";
import type { MemoryContext } from "../context";
import { contextFor, EMBED_SCHEME, embedMemories, LEGACY_SCHEME } from "../contextual";
import { encodeHistoryEntry } from "../history";
import { withRedis } from "../redis-errors";
import { settingsFields } from "../settings";
import { isBlank } from "../text";
import { base64ToVector, parseUserExport } from "./export-schema";
import { restoreProfile } from "../profile";
import { forgetUser } from "./forget";

const CHUNK = 200;

/**
 * Restores a user export. Refuses (conflict:memory) when the user already has data unless
 * `replace` is set, which forgets the user first. Stored vectors are reused only when they were
 * made by this embedder with these dimensions; otherwise (or when absent) the text is embedded
 * again. The users index gets the import time as last activity, so the restored data lives a
 * full TTL period.
 */
export async function importUser(
  ctx: MemoryContext,
  data: unknown,
  opts: { replace?: boolean } = {},
): Promise<{ history: number; memories: number; reembedded: number }> {
  const d = parseUserExport(data);
  const u = d.userId;
  const { keys } = ctx;
  const existing = await withRedis("check the user before import", async () => {
    const [keysThere, memories] = await Promise.all([
      ctx.redis.exists(keys.history(u), keys.settings(u), keys.profile(u)),
      ctx.engine.count(u),
    ]);
    return keysThere + memories;
  });
  if (existing > 0) {
    if (!opts.replace)
      throw new AppError(
        "conflict:memory",
        `User ${u} already has stored data; import with replace (--replace) to overwrite it.`,
      );
    await forgetUser(ctx, u);
  }

  const vectors: (Float32Array | undefined)[] = d.memories.map((m) => {
    // a vector of another model or context scheme is never mixed in: re-embedded below
    if (!m.vector || m.embedder !== ctx.embedder.id || (m.scheme ?? LEGACY_SCHEME) !== EMBED_SCHEME) return undefined;
    const v = base64ToVector(m.vector);
    return v.length === ctx.embedder.dims ? v : undefined;
  });
  // each memory's context is the previous memory in id order (contextFor, as memory:reindex does)
  const order = d.memories
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => !isBlank(m.content))
    .sort((a, b) => (a.m.id < b.m.id ? -1 : a.m.id > b.m.id ? 1 : 0));
  const contextOf = new Map(
    order.map(({ m, i }, k) => [
      i,
      k > 0 ? contextFor({ content: order[k - 1]!.m.content, ts: order[k - 1]!.m.ts }, Date.parse(m.ts)) : undefined,
    ]),
  );
  const toEmbed = order.filter(({ i }) => !vectors[i]);
  let known = new Map<string, Float32Array>();
  for (let i = 0; i < toEmbed.length; i += CHUNK) {
    const part = toEmbed.slice(i, i + CHUNK);
    const { vectors: embedded, plain } = await embedMemories(
      ctx.embedder,
      part.map(({ m, i: at }) => ({ text: m.content, context: contextOf.get(at) })),
      known,
    );
    known = plain;
    part.forEach(({ i: at }, j) => (vectors[at] = embedded[j]));
  }

  const head = ctx.redis.multi();
  const history = keys.history(u);
  const settings = keys.settings(u);
  head.del(history);
  if (d.history.length > 0) {
    head.lpush(history, ...d.history.map((m) => encodeHistoryEntry(m)));
    head.ltrim(history, 0, ctx.opts.historyMax - 1);
    head.expire(history, ctx.ttlSeconds);
  }
  head.del(settings);
  head.hset(settings, settingsFields(d.settings));
  head.expire(settings, ctx.ttlSeconds);
  head.zadd(keys.users(), Date.now(), String(u));
  await withRedis("import the user", () => head.exec());
  if (d.profile) await restoreProfile(ctx, u, d.profile);

  let written = 0;
  for (let i = 0; i < d.memories.length; i += CHUNK) {
    const p = ctx.redis.pipeline();
    d.memories.slice(i, i + CHUNK).forEach((m, j) => {
      const v = vectors[i + j];
      if (!v) return;
      ctx.engine.write(
        p,
        { id: m.id, userId: u, role: m.role, content: m.content, ts: Date.parse(m.ts), meta: m.meta },
        v,
      );
      written += 1;
    });
    const res = await withRedis("import memories", () => p.exec());
    const err = res?.find(([e]) => e)?.[0];
    if (err) throw new AppError("internal:redis", `Redis refused an imported memory: ${err.message}`, { cause: err });
  }
  return { history: d.history.length, memories: written, reembedded: toEmbed.length };
}
