import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenOnLoopback, type LoopbackServer } from "./loopback-server";

/**
 * A fake OpenAI-compatible API on loopback: `/v1/chat/completions` (JSON, or SSE chunks ending
 * in `data: [DONE]` with usage when `stream_options.include_usage`), `/v1/embeddings`
 * (deterministic bag-of-words vectors, so similar texts are similar), `/v1/audio/transcriptions`
 * (multipart, like the real API) and `/v1/models`. Chat messages may carry image parts
 * (`image_url`), and `response_format: json_schema` requests are answered by `structured`.
 * Latency and failures (500, 429, hang until the client gives up) are configurable; every
 * request body is recorded so tests can assert the exact prompt the model received.
 */

export type ContentPart = { type: "text"; text: string } | { type: "image_url"; image_url: { url: string } };

export interface ChatRequestBody {
  model: string;
  /** Content parts are recorded as their joined text, with the images beside it. */
  messages: { role: string; content: string; images?: string[] }[];
  response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } };
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_completion_tokens?: number;
}

export type Failure = 500 | 429 | "hang";

export class FakeOpenAI {
  readonly requests: { path: string; body: unknown; at: number }[] = [];
  /** What the model answers; by default echoes the last user message. */
  reply: (body: ChatRequestBody) => string = echoLastUser;
  /** The JSON text answered to a structured-output (json_schema) request. */
  structured: (body: ChatRequestBody) => string = () => JSON.stringify({ facts: [] });
  /** The transcript of an uploaded audio file. */
  transcribe: (file: { name: string; bytes: Buffer; model: string }) => string = (f) => `transcript of ${f.name}`;
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
    this.reply = echoLastUser;
    this.structured = () => JSON.stringify({ facts: [] });
    this.transcribe = (f) => `transcript of ${f.name}`;
  }

  /** Structured-output (json_schema) chat requests, in order. */
  structuredRequests(): ChatRequestBody[] {
    return this.chatRequests().filter((b) => b.response_format?.type === "json_schema");
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = (req.url ?? "").split("?")[0]!;
    if (path === "/v1/audio/transcriptions")
      return this.transcription(req.headers["content-type"] ?? "", Buffer.concat(chunks), res);
    const raw = Buffer.concat(chunks).toString("utf8");
    const body: unknown = raw ? JSON.parse(raw) : undefined;
    this.requests.push({ path, body, at: Date.now() });
    if (path === "/v1/models")
      return json(res, 200, {
        object: "list",
        data: [{ id: "gpt-4o-mini", object: "model", created: 0, owned_by: "fake" }],
      });
    if (path === "/v1/embeddings")
      return this.embeddings(body as { input: string | string[]; dimensions?: number; model: string }, res);
    if (path === "/v1/chat/completions") {
      const b = body as { messages: { role: string; content: string | ContentPart[] }[] };
      // Parts → text + images, so tests read every prompt the same way.
      b.messages = b.messages.map((m) =>
        typeof m.content === "string" ? m : { ...m, content: textOf(m.content), images: imagesOf(m.content) },
      );
      return this.chat(body as ChatRequestBody, res);
    }
    json(res, 404, { error: { message: `Unknown path ${path}`, type: "invalid_request_error" } });
  }

  private async chat(body: ChatRequestBody, res: ServerResponse): Promise<void> {
    this.inFlight++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.inFlight);
    try {
      const failure = this.failures.shift();
      if (failure === "hang") return await new Promise<void>((resolve) => res.on("close", resolve));
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      if (failure === 500)
        return json(res, 500, {
          error: { message: "The server had an error while processing your request.", type: "server_error" },
        });
      if (failure === 429)
        return json(
          res,
          429,
          { error: { message: "Rate limit reached for requests", type: "requests", code: "rate_limit_exceeded" } },
          { "retry-after": "0" },
        );

      const text = body.response_format?.type === "json_schema" ? this.structured(body) : this.reply(body);
      const promptTokens = wordCount(body.messages.map((m) => m.content).join(" "));
      const usage = {
        prompt_tokens: promptTokens,
        completion_tokens: wordCount(text),
        total_tokens: promptTokens + wordCount(text),
      };
      const id = `chatcmpl-${Date.now()}`;
      const created = Math.floor(Date.now() / 1000);
      if (!body.stream) {
        return json(res, 200, {
          id,
          object: "chat.completion",
          created,
          model: body.model,
          choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
          usage,
        });
      }
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        connection: "keep-alive",
      });
      const send = (payload: unknown) => res.write(`data: ${JSON.stringify(payload)}\n\n`);
      const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
        id,
        object: "chat.completion.chunk",
        created,
        model: body.model,
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
      send(chunk({ role: "assistant", content: "" }, null));
      for (let i = 0; i < text.length; i += this.chunkChars) {
        if (this.chunkDelayMs > 0) await sleep(this.chunkDelayMs);
        if (res.destroyed) return;
        send(chunk({ content: text.slice(i, i + this.chunkChars) }, null));
      }
      send(chunk({}, "stop"));
      if (body.stream_options?.include_usage)
        send({ id, object: "chat.completion.chunk", created, model: body.model, choices: [], usage });
      res.end("data: [DONE]\n\n");
    } finally {
      this.inFlight--;
    }
  }

  /** multipart/form-data with `file` and `model`, answered `{ text }` like the real endpoint. */
  private transcription(contentType: string, body: Buffer, res: ServerResponse): void {
    const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
    if (!boundary)
      return json(res, 400, { error: { message: "Expected multipart/form-data", type: "invalid_request_error" } });
    const fields: Record<string, string> = {};
    let file: { name: string; bytes: Buffer } | undefined;
    const sep = Buffer.from(`--${boundary}`);
    let at = body.indexOf(sep);
    while (at >= 0) {
      const next = body.indexOf(sep, at + sep.length);
      if (next < 0) break;
      const part = body.subarray(at + sep.length + 2, next - 2);
      const headEnd = part.indexOf("\r\n\r\n");
      if (headEnd >= 0) {
        const head = part.subarray(0, headEnd).toString("utf8");
        const value = part.subarray(headEnd + 4);
        const name = /name="([^"]+)"/.exec(head)?.[1];
        const filename = /filename="([^"]*)"/.exec(head)?.[1];
        if (name === "file" && filename !== undefined) file = { name: filename, bytes: Buffer.from(value) };
        else if (name) fields[name] = value.toString("utf8");
      }
      at = next;
    }
    this.requests.push({
      path: "/v1/audio/transcriptions",
      body: { model: fields.model, file: file && { name: file.name, size: file.bytes.length } },
      at: Date.now(),
    });
    const failure = this.failures.shift();
    if (failure === 500)
      return json(res, 500, {
        error: { message: "The server had an error while processing your request.", type: "server_error" },
      });
    if (!file || !fields.model)
      return json(res, 400, { error: { message: "file and model are required", type: "invalid_request_error" } });
    json(res, 200, { text: this.transcribe({ ...file, model: fields.model }) });
  }

  private embeddings(
    body: { input: string | string[]; dimensions?: number; model: string },
    res: ServerResponse,
  ): void {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    const dims = body.dimensions ?? 1536;
    const data = inputs.map((text, index) => ({ object: "embedding", index, embedding: bagOfWords(text, dims) }));
    json(res, 200, {
      object: "list",
      data,
      model: body.model,
      usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
    });
  }
}

const wordCount = (s: string) => s.split(/\s+/).filter(Boolean).length;

/** The text of a message's content, whether a string or parts. */
export function textOf(content: string | ContentPart[]): string {
  return typeof content === "string" ? content : content.map((p) => (p.type === "text" ? p.text : "")).join(" ");
}

/** The images (data: / http URLs) of a message's content. */
export function imagesOf(content: string | ContentPart[]): string[] {
  return typeof content === "string" ? [] : content.flatMap((p) => (p.type === "image_url" ? [p.image_url.url] : []));
}

function echoLastUser(b: ChatRequestBody): string {
  const last = b.messages.filter((m) => m.role === "user").at(-1);
  return `You said: ${last?.content ?? ""}`;
}
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
