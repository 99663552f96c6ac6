import { createLocalEmbedder } from "@/lib/embeddings/local";
import type { EmbeddingProvider } from "@/lib/embeddings";

/**
 * The real all-MiniLM-L6-v2 (offline, from scripts/model/fetch-test-model.sh via
 * EMBEDDING_MODEL_DIR), shared by all tests of one file. Undefined when the model is not
 * available, so tests can skip with `modelSkipReason`.
 */
let shared: EmbeddingProvider | undefined;

export const modelSkipReason: string | false = process.env.EMBEDDING_MODEL_DIR
  ? false
  : "EMBEDDING_MODEL_DIR not set: run through npm test (it fetches the model)";

export function testEmbedder(): EmbeddingProvider {
  const dir = process.env.EMBEDDING_MODEL_DIR;
  if (!dir) throw new Error(String(modelSkipReason));
  shared ??= createLocalEmbedder({
    model: "Xenova/all-MiniLM-L6-v2",
    modelDir: dir,
    cacheDir: "/tmp/mindmate-test-cache",
    dtype: "fp32",
  });
  return shared;
}
