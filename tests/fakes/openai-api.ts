import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenOnLoopback, type LoopbackServer } from "./loopback-server";

/**
 * A fake OpenAI-compatible API on loopback: `/v1/chat/completions` (JSON, or SSE chunks ending
 * in `data: [DONE]` with usage when `stream_options.include_usage`), `/v1/embeddings`
 * (deterministic bag-of-words vectors, so similar texts are similar) and `/v1/models`.
 * Latency and failures (500, 429, hang until the client gives up) are configurable; every
 * request body is recorded so tests can assert the exact prompt the model received.
 */

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_completion_tokens?: number;
}

export type Failure = 500 | 429 | "hang";

export class FakeOpenAI {
  readonly requests: { path: string; body: unknown; at: number }[] = [];
  /** What the model answers; by default echoes the last user message. */
  reply: (body: ChatRequestBody) => string = (b) => `You said: ${b.messages.filter((m) => m.role === "user").at(-1)?.content ?? ""}`;
  /** Delay before a chat completion starts answering. */
  latencyMs = 0;
  /** Delay between streamed chunks. */
  chunkDelayMs = 0;
  chunkChars = 16;
  /** Most chat completions in flight at once (the per-chat lock test reads it). */
  maxConcurrent = 0;
  private inFlight = 0;
  private failures: Failure[] = [];
  private server?: LoopbackServer;

  get baseURL(): string {
    return `http://127.0.0.1:${this.server!.port}/v1`;
  }

  async start(): Promise<this> {
    this.server = await listenOnLoopback((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    return this;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  /** The next `times` chat completions fail this way. */
  failNext(failure: Failure, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(failure);
  }

  chatRequests(): ChatRequestBody[] {
    return this.requests.filter((r) => r.path === "/v1/chat/completions").map((r) => r.body as ChatRequestBody);
  }

  reset(): void {
    this.requests.length = 0;
    this.failures.length = 0;
    this.latencyMs = 0;
    this.chunkDelayMs = 0;
    this.maxConcurrent = 0;
    this.reply = (b) => `You said: ${b.messages.filter((m) => m.role === "user").at(-1)?.content ?? ""}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const body: unknown = raw ? JSON.parse(raw) : undefined;
    const path = (req.url ?? "").split("?")[0]!;
    this.requests.push({ path, body, at: Date.now() });
    if (path === "/v1/models") return json(res, 200, { object: "list", data: [{ id: "gpt-4o-mini", object: "model", created: 0, owned_by: "fake" }] });
    if (path === "/v1/embeddings") return this.embeddings(body as { input: string | string[]; dimensions?: number; model: string }, res);
    if (path === "/v1/chat/completions") return this.chat(body as ChatRequestBody, res);
    json(res, 404, { error: { message: `Unknown path ${path}`, type: "invalid_request_error" } });
  }

  private async chat(body: ChatRequestBody, res: ServerResponse): Promise<void> {
    this.inFlight++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.inFlight);
    try {
      const failure = this.failures.shift();
      if (failure === "hang") return await new Promise<void>((resolve) => res.on("close", resolve));
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      if (failure === 500) return json(res, 500, { error: { message: "The server had an error while processing your request.", type: "server_error" } });
      if (failure === 429) return json(res, 429, { error: { message: "Rate limit reached for requests", type: "requests", code: "rate_limit_exceeded" } }, { "retry-after": "0" });

      const text = this.reply(body);
      const promptTokens = wordCount(body.messages.map((m) => m.content).join(" "));
      const usage = { prompt_tokens: promptTokens, completion_tokens: wordCount(text), total_tokens: promptTokens + wordCount(text) };
      const id = `chatcmpl-${Date.now()}`;
      const created = Math.floor(Date.now() / 1000);
      if (!body.stream) {
        return json(res, 200, { id, object: "chat.completion", created, model: body.model, choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }], usage });
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      const send = (payload: unknown) => res.write(`data: ${JSON.stringify(payload)}\n\n`);
      const chunk = (delta: Record<string, unknown>, finish: string | null) => ({ id, object: "chat.completion.chunk", created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] });
      send(chunk({ role: "assistant", content: "" }, null));
      for (let i = 0; i < text.length; i += this.chunkChars) {
        if (this.chunkDelayMs > 0) await sleep(this.chunkDelayMs);
        if (res.destroyed) return;
        send(chunk({ content: text.slice(i, i + this.chunkChars) }, null));
      }
      send(chunk({}, "stop"));
      if (body.stream_options?.include_usage) send({ id, object: "chat.completion.chunk", created, model: body.model, choices: [], usage });
      res.end("data: [DONE]\n\n");
    } finally {
      this.inFlight--;
    }
  }

  private embeddings(body: { input: string | string[]; dimensions?: number; model: string }, res: ServerResponse): void {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    const dims = body.dimensions ?? 1536;
    const data = inputs.map((text, index) => ({ object: "embedding", index, embedding: bagOfWords(text, dims) }));
    json(res, 200, { object: "list", data, model: body.model, usage: { prompt_tokens: inputs.length, total_tokens: inputs.length } });
  }
}

const wordCount = (s: string) => s.split(/\s+/).filter(Boolean).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Hashed word counts, unit length: texts sharing words get a high cosine similarity. */
export function bagOfWords(text: string, dims: number): number[] {
  const v = new Array<number>(dims).fill(0);
  for (const w of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const h = createHash("sha1").update(w).digest();
    v[h.readUInt32BE(0) % dims]! += 1;
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  return new FakeOpenAI().start();
}
