/**
 * npm run memory:reindex — re-embeds every long-term memory with the configured embedding
 * model and rebuilds the vector index (after changing EMBEDDING_*, VECTOR_ENCODING or
 * VECTOR_ALGORITHM, or when the app reports a model/dims mismatch). Progress on stderr.
 * Resumable: its state is kept in Redis, so after Ctrl-C or a crash, run it again and it
 * continues where it stopped. Stop the bot while it runs (see lib/memory/README.md).
 */
import { getConfig } from "../lib/config";
import { createMemoryContext } from "../lib/memory";
import { reindexAll } from "../lib/memory/ops/reindex";
import { getRuntime } from "../lib/app";
import { closeRuntime, fail, progressBar } from "./memory-common";

async function main() {
  if (process.argv.includes("--help")) return console.log("usage: npm run memory:reindex");
  const config = getConfig();
  const rt = getRuntime();
  const { engine } = await rt.probe();
  const ctx = createMemoryContext({
    redis: rt.redis,
    prefix: config.redis.prefix,
    engine,
    embedder: rt.embedder,
    historyMax: config.memory.historyMax,
    ttlDays: config.memory.ttlDays,
    longTermTtlDays: config.memory.longTermTtlDays,
    maxMessageChars: config.memory.maxMessageChars,
    encoding: config.vector.encoding,
    algorithm: config.vector.algorithm,
  });
  console.error(
    `reindexing with ${rt.embedder.id} (${rt.embedder.dims} dims, ${ctx.engineContext.encoding}${config.vector.encoding ? "" : ", the default"}) on the ${engine} engine`,
  );
  const bars = { snapshot: progressBar("snapshot"), rebuild: progressBar("re-embed") };
  const started = performance.now();
  const result = await reindexAll(ctx, (p) => {
    if (p.phase === "snapshot") bars.snapshot(p.done, p.done, "memories read");
    else if (p.phase === "drop") console.error("dropping the old index…");
    else if (p.phase === "rebuild") bars.rebuild(p.done, p.total);
  });
  console.error(
    `${result.resumed ? "resumed and finished" : "done"}: ${result.total} memories re-embedded in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

main()
  .then(closeRuntime)
  .catch(async (e: unknown) => {
    await closeRuntime();
    fail("memory:reindex", e);
  });
