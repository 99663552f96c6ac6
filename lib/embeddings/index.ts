import type { EmbeddingConfig } from "../config";
import { createLocalEmbedder } from "./local";
import { createOpenAIEmbedder } from "./openai";
import type { EmbeddingProvider } from "./types";

export type { EmbeddingProvider, EmbedderStatus } from "./types";

export function createEmbedder(config: EmbeddingConfig): EmbeddingProvider {
  return config.provider === "openai"
    ? createOpenAIEmbedder(config)
    : createLocalEmbedder(config);
}
