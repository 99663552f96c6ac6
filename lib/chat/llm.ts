import OpenAI from "openai";
import type { Config } from "../config";
import { logger } from "../log";
import { recordLatency } from "../metrics";
import { classifyLlmError, llmError } from "./llm-errors";

const log = logger("llm");

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface LlmRequest {
  model: string;
  messages: ChatMessage[];
  /** Called with the whole text so far each time a chunk arrives. */
  onDelta?: (textSoFar: string) => void | Promise<void>;
  signal?: AbortSignal;
  maxTokens?: number;
}

export interface LlmResponse {
  text: string;
  model: string;
  usage?: { promptTokens: number; completionTokens: number };
}

/** What the chat pipeline needs from a model; the tests' fake OpenAI server sits behind the real one. */
export interface LlmClient {
  complete(req: LlmRequest): Promise<LlmResponse>;
}

/** A display callback that fails (e.g. Telegram refused a draft) must not fail the model call. */
async function showDelta(req: LlmRequest, text: string): Promise<void> {
  try {
    await req.onDelta?.(text);
  } catch (e) {
    log.warn("onDelta failed; the final answer is still delivered", { error: e });
  }
}

/**
 * Chat completions through the openai SDK (any OpenAI-compatible server via OPENAI_BASE_URL),
 * always streamed so private chats can show the answer as it grows. One deadline covers the
 * whole call, retries included, and the SDK retries at most once: a failing provider costs the
 * user one short wait, and a burst of users cannot turn into a retry storm.
 */
export function createOpenAiLlm(llm: Config["llm"]): LlmClient {
  const client = llm.apiKey ? new OpenAI({ apiKey: llm.apiKey, baseURL: llm.baseURL, maxRetries: 1, timeout: llm.timeoutMs }) : undefined;

  return {
    async complete(req) {
      if (!client) throw llmError("missing_key", "OPENAI_API_KEY is not set, so no reply can be generated", { model: req.model });
      const deadline = AbortSignal.timeout(llm.timeoutMs);
      const signal = req.signal ? AbortSignal.any([deadline, req.signal]) : deadline;
      const started = performance.now();
      try {
        const stream = await client.chat.completions.create(
          {
            model: req.model,
            messages: req.messages,
            stream: true,
            stream_options: { include_usage: true },
            ...(req.maxTokens ? { max_completion_tokens: req.maxTokens } : {}),
          },
          { signal },
        );
        let text = "";
        let model = req.model;
        let usage: LlmResponse["usage"];
        for await (const chunk of stream) {
          if (chunk.model) model = chunk.model;
          if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
          const piece = chunk.choices[0]?.delta?.content;
          if (piece) {
            text += piece;
            await showDelta(req, text);
          }
        }
        if (!text.trim()) throw llmError("server", `The model returned an empty answer (model ${req.model})`, { model: req.model });
        return { text, model, usage };
      } catch (e) {
        throw classifyLlmError(e, { model: req.model, deadlineHit: deadline.aborted, timeoutMs: llm.timeoutMs });
      } finally {
        recordLatency("llm", performance.now() - started);
      }
    },
  };
}
