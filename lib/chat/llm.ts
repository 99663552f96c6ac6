import OpenAI, { toFile } from "openai";
import type { Config } from "../config";
import { logger } from "../log";
import { recordLatency } from "../metrics";
import { classifyLlmError, llmError } from "./llm-errors";

const log = logger("llm");

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
  /** Images shown with a user message (data: URLs), for vision-capable models. */
  images?: string[];
}

/** A JSON-schema structured output request (OpenAI `response_format: json_schema`, strict). */
export interface LlmJsonRequest {
  model: string;
  messages: ChatMessage[];
  schema: { name: string; schema: Record<string, unknown> };
  signal?: AbortSignal;
  maxTokens?: number;
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
  /** One non-streamed answer parsed as JSON (not yet validated: callers check it with zod). */
  completeJson(req: LlmJsonRequest): Promise<{ value: unknown; model: string; usage?: LlmResponse["usage"] }>;
  /** Speech to text through `/audio/transcriptions`. */
  transcribe(req: { model: string; audio: Buffer; filename: string; signal?: AbortSignal }): Promise<string>;
}

type WireMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/** Our messages → the API's; a user message with images becomes text + image_url parts. */
export function toWireMessages(messages: ChatMessage[]): WireMessage[] {
  return messages.map((m): WireMessage => {
    if (m.role === "user" && m.images?.length) {
      return {
        role: "user",
        content: [
          { type: "text", text: m.content },
          ...m.images.map((url) => ({ type: "image_url" as const, image_url: { url } })),
        ],
      };
    }
    return { role: m.role, content: m.content } as WireMessage;
  });
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
  const client = llm.apiKey
    ? new OpenAI({ apiKey: llm.apiKey, baseURL: llm.baseURL, maxRetries: 1, timeout: llm.timeoutMs })
    : undefined;

  return {
    async complete(req) {
      if (!client)
        throw llmError("missing_key", "OPENAI_API_KEY is not set, so no reply can be generated", { model: req.model });
      const deadline = AbortSignal.timeout(llm.timeoutMs);
      const signal = req.signal ? AbortSignal.any([deadline, req.signal]) : deadline;
      const started = performance.now();
      try {
        const stream = await client.chat.completions.create(
          {
            model: req.model,
            messages: toWireMessages(req.messages),
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
          if (chunk.usage)
            usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
          const piece = chunk.choices[0]?.delta?.content;
          if (piece) {
            text += piece;
            await showDelta(req, text);
          }
        }
        // A stream cut by the deadline can end without an error: never pass a cut answer off as whole.
        if (signal.aborted) throw signal.reason ?? new Error("aborted");
        if (!text.trim())
          throw llmError("server", `The model returned an empty answer (model ${req.model})`, { model: req.model });
        return { text, model, usage };
      } catch (e) {
        throw classifyLlmError(e, { model: req.model, deadlineHit: deadline.aborted, timeoutMs: llm.timeoutMs });
      } finally {
        recordLatency("llm", performance.now() - started);
      }
    },

    async completeJson(req) {
      if (!client)
        throw llmError("missing_key", "OPENAI_API_KEY is not set, so no model call can be made", { model: req.model });
      const deadline = AbortSignal.timeout(llm.timeoutMs);
      const signal = req.signal ? AbortSignal.any([deadline, req.signal]) : deadline;
      let text: string | null | undefined;
      let res: OpenAI.Chat.Completions.ChatCompletion;
      try {
        res = await client.chat.completions.create(
          {
            model: req.model,
            messages: toWireMessages(req.messages),
            response_format: {
              type: "json_schema",
              json_schema: { name: req.schema.name, schema: req.schema.schema, strict: true },
            },
            ...(req.maxTokens ? { max_completion_tokens: req.maxTokens } : {}),
          },
          { signal },
        );
        text = res.choices[0]?.message?.content;
      } catch (e) {
        throw classifyLlmError(e, { model: req.model, deadlineHit: deadline.aborted, timeoutMs: llm.timeoutMs });
      }
      let value: unknown;
      try {
        value = JSON.parse(text ?? "");
      } catch (e) {
        throw llmError("server", `The model's structured answer is not JSON (model ${req.model})`, {
          model: req.model,
          cause: e,
        });
      }
      const usage = res.usage
        ? { promptTokens: res.usage.prompt_tokens, completionTokens: res.usage.completion_tokens }
        : undefined;
      return { value, model: res.model ?? req.model, usage };
    },

    async transcribe(req) {
      if (!client)
        throw llmError("missing_key", "OPENAI_API_KEY is not set, so voice messages cannot be transcribed", {
          model: req.model,
        });
      const deadline = AbortSignal.timeout(llm.timeoutMs);
      const signal = req.signal ? AbortSignal.any([deadline, req.signal]) : deadline;
      try {
        const res = await client.audio.transcriptions.create(
          { model: req.model, file: await toFile(req.audio, req.filename) },
          { signal },
        );
        return res.text;
      } catch (e) {
        throw classifyLlmError(e, { model: req.model, deadlineHit: deadline.aborted, timeoutMs: llm.timeoutMs });
      }
    },
  };
}
