import type { EmbeddingConfig } from "../config";
import { createLocalEmbedder } from "./local";
import { createOpenAIEmbedder } from "./openai";
import { withRecentCache } from "./recent-cache";
import type { EmbeddingProvider } from "./types";

export type { EmbeddingProvider, EmbedderStatus } from "./types";

export function createEmbedder(config: EmbeddingConfig): EmbeddingProvider {
  const provider = config.provider === "openai" ? createOpenAIEmbedder(config) : createLocalEmbedder(config);
  return withRecentCache(provider);
}
