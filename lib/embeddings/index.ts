import type { EmbeddingConfig } from "../config";
import { createLocalEmbedder } from "./local";
import { withModelSource } from "./model-source";
import { createOpenAIEmbedder } from "./openai";
import { withRecentCache } from "./recent-cache";
import type { EmbeddingProvider } from "./types";

export type { EmbeddingProvider, EmbedderStatus } from "./types";

export function createEmbedder(config: EmbeddingConfig): EmbeddingProvider {
  // The local model's folder is found, downloaded or built on first use (model-source.ts).
  const provider =
    config.provider === "openai" ? createOpenAIEmbedder(config) : withModelSource(config, createLocalEmbedder);
  return withRecentCache(provider);
}
