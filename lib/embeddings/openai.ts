import OpenAI from "openai";
import { AppError } from "../errors";
import { l2normalize, type EmbedderStatus, type EmbeddingProvider } from "./types";

export interface OpenAIEmbedderOptions {
  model: string;
  dims: number;
  apiKey: string;
  baseURL?: string;
}

const BATCH = 128;

/** OpenAI (or compatible) embeddings; `dimensions` lets text-embedding-3-* return 384. */
export function createOpenAIEmbedder(opts: OpenAIEmbedderOptions): EmbeddingProvider {
  const client = new OpenAI({ apiKey: opts.apiKey, baseURL: opts.baseURL, maxRetries: 2, timeout: 30_000 });
  let firstCallMs: number | undefined;
  let lastError: string | undefined;

  async function embedBatch(texts: string[]): Promise<Float32Array[]> {
    const started = performance.now();
    try {
      const res = await client.embeddings.create({
        model: opts.model,
        input: texts,
        dimensions: opts.dims,
        encoding_format: "float",
      });
      firstCallMs ??= Math.round(performance.now() - started);
      lastError = undefined;
      const sorted = [...res.data].sort((a, b) => a.index - b.index);
      return sorted.map((d) => {
        if (d.embedding.length !== opts.dims) {
          throw new AppError(
            "internal:embedding",
            `Embedding API returned ${d.embedding.length} dims, expected ${opts.dims}. Check EMBEDDING_DIMS and EMBEDDING_MODEL.`,
          );
        }
        return l2normalize(Float32Array.from(d.embedding));
      });
    } catch (cause) {
      if (cause instanceof AppError) throw cause;
      lastError = (cause as Error).message;
      throw new AppError("unavailable:embedding", `Embedding API call failed: ${lastError}`, { cause });
    }
  }

  return {
    id: `openai:${opts.model}:${opts.dims}`,
    dims: opts.dims,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += BATCH) out.push(...(await embedBatch(texts.slice(i, i + BATCH))));
      return out;
    },
    status(): EmbedderStatus {
      return {
        provider: "openai",
        model: opts.model,
        dims: opts.dims,
        loaded: true,
        loadMs: firstCallMs,
        error: lastError,
      };
    },
    async warmUp() {},
  };
}
