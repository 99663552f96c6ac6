import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  PermissionDeniedError,
  RateLimitError,
} from "openai";
import { AppError, type ErrorCode } from "../errors";

/**
 * What went wrong with a model call, in the words the user sees. Every LLM failure becomes an
 * AppError whose `details.kind` is one of these, so the bot can apologise precisely and the log
 * keeps the original error as `cause`.
 */
export type LlmFailureKind =
  "timeout" | "rate_limit" | "server" | "network" | "missing_key" | "auth" | "bad_request" | "cancelled";

const codeByKind: Record<LlmFailureKind, ErrorCode> = {
  timeout: "unavailable:llm",
  rate_limit: "rate_limit:llm",
  server: "unavailable:llm",
  network: "unavailable:llm",
  missing_key: "config:llm",
  auth: "config:llm",
  bad_request: "bad_request:llm",
  cancelled: "unavailable:llm",
};

export function llmError(
  kind: LlmFailureKind,
  message: string,
  opts: { cause?: unknown; model?: string } = {},
): AppError {
  return new AppError(codeByKind[kind], message, { cause: opts.cause, details: { kind, model: opts.model } });
}

/** Maps an openai SDK error (or our own deadline abort) to a typed AppError. */
export function classifyLlmError(
  e: unknown,
  ctx: { model: string; deadlineHit: boolean; timeoutMs: number },
): AppError {
  if (e instanceof AppError) return e;
  const at = (what: string) => `${what} (model ${ctx.model})`;
  if (ctx.deadlineHit || e instanceof APIConnectionTimeoutError) {
    return llmError("timeout", at(`The model did not answer within ${ctx.timeoutMs} ms`), {
      cause: e,
      model: ctx.model,
    });
  }
  if (e instanceof APIUserAbortError)
    return llmError("cancelled", at("The model call was cancelled"), { cause: e, model: ctx.model });
  if (e instanceof RateLimitError)
    return llmError("rate_limit", at("The model API is rate limiting (429)"), { cause: e, model: ctx.model });
  if (e instanceof AuthenticationError || e instanceof PermissionDeniedError) {
    return llmError("auth", at(`The model API refused the key (${e.status})`), { cause: e, model: ctx.model });
  }
  if (e instanceof APIConnectionError)
    return llmError("network", at("The model API is unreachable"), { cause: e, model: ctx.model });
  if (e instanceof APIError && typeof e.status === "number") {
    if (e.status >= 500)
      return llmError("server", at(`The model API failed (${e.status})`), { cause: e, model: ctx.model });
    return llmError("bad_request", at(`The model API rejected the request (${e.status})`), {
      cause: e,
      model: ctx.model,
    });
  }
  return llmError("server", at(`The model call failed: ${(e as Error)?.message ?? String(e)}`), {
    cause: e,
    model: ctx.model,
  });
}

export function llmFailureKind(e: unknown): LlmFailureKind | undefined {
  if (!(e instanceof AppError) || e.surface !== "llm") return undefined;
  const kind = (e.details as { kind?: LlmFailureKind } | undefined)?.kind;
  return kind ?? "server";
}

/** The short apology the user gets; names the kind of problem so they know whether to retry. */
export function apologyFor(kind: LlmFailureKind | undefined): string {
  switch (kind) {
    case "timeout":
      return "Sorry — the AI model took too long to answer (timeout). Please try again in a moment.";
    case "rate_limit":
      return "Sorry — the AI service is rate limiting me right now. Please try again in a minute.";
    case "network":
      return "Sorry — I couldn't reach the AI service (network problem). Please try again shortly.";
    case "missing_key":
    case "auth":
      return "Sorry — the AI service isn't configured correctly (API key missing or invalid). The bot's admin has to fix this.";
    case "bad_request":
      return "Sorry — the AI service rejected the request; the selected model may be unavailable. Try another one with /model.";
    case "cancelled":
      return "The answer was cancelled.";
    case "server":
      return "Sorry — the AI service had an internal error. Please try again shortly.";
    default:
      return "Sorry — something went wrong on my side. Please try again.";
  }
}
