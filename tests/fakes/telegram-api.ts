import type { IncomingMessage, ServerResponse } from "node:http";
import { listenOnLoopback, type LoopbackServer } from "./loopback-server";
import type { UserFromGetMe } from "grammy/types";

/**
 * A fake Telegram Bot API server on loopback: `POST /bot<token>/<method>` with JSON or
 * multipart bodies, answering `{ ok, result }` / `{ ok: false, error_code, description }` like
 * the real one. It records every call, can inject errors per method (400 "can't parse
 * entities", 429 with retry_after, …), can pretend not to know `sendMessageDraft` (404, as an
 * older Bot API server does), and serves getUpdates long polling from a queue. Files added with
 * `addFile` are served like Telegram does: `getFile` gives a `file_path`, and
 * `GET /file/bot<token>/<file_path>` returns the bytes.
 */

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
  /** Multipart file parts (sendDocument). */
  files: { field: string; name: string; content: string }[];
}

export interface InjectedError {
  code: number;
  description: string;
  retryAfter?: number;
  /** Only when the params match (e.g. only HTML sends). */
  when?: (params: Record<string, unknown>) => boolean;
}

export const BOT_USER: UserFromGetMe = {
  id: 7000000001,
  is_bot: true,
  first_name: "MindMate",
  username: "mindmate_test_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

export class FakeTelegram {
  readonly token = `${BOT_USER.id}:AAFakeTokenForTests_abcdefghijklmnopq`;
  readonly calls: RecordedCall[] = [];
  draftsSupported = true;
  webhook: Record<string, unknown> = {};
  private server?: LoopbackServer;
  private errors = new Map<string, InjectedError[]>();
  private refused = new Map<string, { code: number; description?: string }>();
  private getUpdatesFaults: ("5xx" | "network")[] = [];
  private nextMessageId = 100;
  private updates: Record<string, unknown>[] = [];
  private pollers: (() => void)[] = [];
  private listeners: (() => void)[] = [];
  private files = new Map<string, { path: string; bytes: Buffer }>();
  /** Every file download (GET /file/bot…), for asserting nothing else fetched a file. */
  readonly downloads: string[] = [];

  get apiRoot(): string {
    return `http://127.0.0.1:${this.server!.port}`;
  }

  async start(): Promise<this> {
    this.server = await listenOnLoopback((req, res) => {
      this.handle(req, res).catch((e: unknown) =>
        this.reply(res, 500, { ok: false, error_code: 500, description: `fake Telegram failed: ${String(e)}` }),
      );
    });
    return this;
  }

  async close(): Promise<void> {
    for (const p of this.pollers.splice(0)) p();
    await this.server?.close();
  }

  /** The next `times` calls of `method` (matching `when`) fail with this error. */
  failNext(method: string, error: InjectedError, times = 1): void {
    const list = this.errors.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(error);
    this.errors.set(method, list);
  }

  /**
   * Every call of `method` fails, like a partial Bot API server: with `description` the usual
   * `{ ok: false, error_code, description }`; without it just `{ ok: false }` (grammY then
   * reports "(undefined: undefined)", as seen with real partial servers).
   */
  refuseMethod(method: string, refusal: { code: number; description?: string } = { code: 404 }): void {
    this.refused.set(method, refusal);
  }

  /** The next `times` getUpdates calls fail: "5xx" answers 502, "network" drops the connection. */
  failGetUpdates(times: number, kind: "5xx" | "network" = "5xx"): void {
    for (let i = 0; i < times; i++) this.getUpdatesFaults.push(kind);
  }

  /** Makes `fileId` downloadable (getFile + /file/bot<token>/<path>). */
  addFile(fileId: string, bytes: Buffer, path: string): void {
    this.files.set(fileId, { path, bytes });
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages that reached the chat (sendMessage / sendDocument), in order. */
  sentTo(chatId: number): RecordedCall[] {
    return this.calls.filter(
      (c) => ["sendMessage", "sendDocument"].includes(c.method) && Number(c.params.chat_id) === chatId,
    );
  }

  reset(): void {
    this.calls.length = 0;
    this.downloads.length = 0;
    this.errors.clear();
    this.refused.clear();
    this.getUpdatesFaults.length = 0;
    this.draftsSupported = true;
  }

  /** Queues updates for getUpdates (long polling). */
  pushUpdates(...updates: Record<string, unknown>[]): void {
    this.updates.push(...updates);
    for (const p of this.pollers.splice(0)) p();
  }

  /** Resolves when `predicate` holds after some call (or throws after timeoutMs). */
  async waitFor(predicate: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline)
        throw new Error(
          `fake Telegram: timed out waiting for ${what}; calls: ${this.calls.map((c) => c.method).join(", ")}`,
        );
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.listeners.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(req.url ?? "");
    if (download) return this.serveFile(download[1]!, decodeURIComponent(download[2]!), res);
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
    const body = Buffer.concat(
      await (async () => {
        const parts: Buffer[] = [];
        for await (const c of req) parts.push(c as Buffer);
        return parts;
      })(),
    );
    if (!match) return this.reply(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    if (match[1] !== this.token)
      return this.reply(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    const method = match[2]!;
    const { params, files } = parseBody(req.headers["content-type"] ?? "", body);
    this.calls.push({ method, params, files, at: Date.now() });
    for (const l of this.listeners.splice(0)) l();

    const queued = this.errors.get(method);
    const errIndex = queued?.findIndex((e) => !e.when || e.when(params)) ?? -1;
    if (queued && errIndex >= 0) {
      const [e] = queued.splice(errIndex, 1);
      return this.reply(res, e!.code, {
        ok: false,
        error_code: e!.code,
        description: e!.description,
        ...(e!.retryAfter !== undefined ? { parameters: { retry_after: e!.retryAfter } } : {}),
      });
    }
    const refusal = this.refused.get(method);
    if (refusal) {
      return this.reply(
        res,
        refusal.code,
        refusal.description === undefined
          ? { ok: false }
          : { ok: false, error_code: refusal.code, description: refusal.description },
      );
    }
    if (method === "getUpdates" && this.getUpdatesFaults.length > 0) {
      const fault = this.getUpdatesFaults.shift()!;
      if (fault === "network") return void res.socket?.destroy();
      return this.reply(res, 502, { ok: false, error_code: 502, description: "Bad Gateway" });
    }
    if (method === "sendMessageDraft" && !this.draftsSupported)
      return this.reply(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    if (method === "getUpdates") return this.getUpdates(params, res);
    const result = this.result(method, params, files);
    if (result === undefined) return this.reply(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    this.reply(res, 200, { ok: true, result });
  }

  private result(method: string, p: Record<string, unknown>, files: RecordedCall["files"]): unknown {
    const chatId = Number(p.chat_id);
    const chat =
      chatId > 0
        ? { id: chatId, type: "private", first_name: "User" }
        : { id: chatId, type: "supergroup", title: "Group" };
    const message = (extra: Record<string, unknown>) => ({
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat,
      from: BOT_USER,
      ...extra,
    });
    switch (method) {
      case "getMe":
        return BOT_USER;
      case "getFile": {
        const f = this.files.get(String(p.file_id));
        if (!f) return undefined;
        return {
          file_id: String(p.file_id),
          file_unique_id: `u-${String(p.file_id)}`,
          file_size: f.bytes.length,
          file_path: f.path,
        };
      }
      case "sendMessage":
        return message({ text: p.text });
      case "editMessageText":
        return {
          message_id: Number(p.message_id),
          date: Math.floor(Date.now() / 1000),
          edit_date: Math.floor(Date.now() / 1000),
          chat,
          from: BOT_USER,
          text: p.text,
        };
      case "sendDocument":
        return message({ document: { file_id: "doc1", file_unique_id: "doc1u", file_name: files[0]?.name ?? "file" } });
      case "sendMessageDraft":
      case "sendChatAction":
      case "answerCallbackQuery":
      case "setMyCommands":
      case "deleteMessage":
        return true;
      case "setWebhook":
        this.webhook = { ...p };
        return true;
      case "deleteWebhook":
        this.webhook = {};
        return true;
      case "getWebhookInfo":
        return {
          url: this.webhook.url ?? "",
          has_custom_certificate: false,
          pending_update_count: 0,
          allowed_updates: this.webhook.allowed_updates,
        };
      default:
        return undefined;
    }
  }

  private getUpdates(p: Record<string, unknown>, res: ServerResponse): void {
    const offset = Number(p.offset ?? 0);
    const answer = () => {
      const batch = this.updates.filter((u) => Number(u.update_id) >= offset);
      this.updates = batch; // confirmed ones (below offset) are gone, like on Telegram
      this.reply(res, 200, { ok: true, result: batch.slice(0, Number(p.limit ?? 100)) });
    };
    const waitMs = Math.min(Number(p.timeout ?? 0), 2) * 1000;
    if (this.updates.some((u) => Number(u.update_id) >= offset) || waitMs === 0) return answer();
    const timer = setTimeout(() => {
      this.pollers = this.pollers.filter((x) => x !== wake);
      answer();
    }, waitMs);
    const wake = () => {
      clearTimeout(timer);
      if (!res.writableEnded && !res.destroyed) answer();
    };
    this.pollers.push(wake);
    res.on("close", () => clearTimeout(timer));
  }

  private serveFile(token: string, path: string, res: ServerResponse): void {
    if (token !== this.token) return this.reply(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    const f = [...this.files.values()].find((x) => x.path === path);
    if (!f) return this.reply(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    this.downloads.push(path);
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(f.bytes.length) });
    res.end(f.bytes);
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }
}

function parseBody(
  contentType: string,
  body: Buffer,
): { params: Record<string, unknown>; files: RecordedCall["files"] } {
  if (body.length === 0) return { params: {}, files: [] };
  if (contentType.includes("application/json"))
    return { params: JSON.parse(body.toString("utf8")) as Record<string, unknown>, files: [] };
  if (contentType.includes("multipart/form-data")) return parseMultipart(contentType, body);
  return { params: Object.fromEntries(new URLSearchParams(body.toString("utf8"))), files: [] };
}

/**
 * A tolerant multipart/form-data reader: grammY writes headers like
 * `content-disposition:form-data;name="x";filename=y.json` (no spaces, unquoted filename),
 * which strict parsers refuse but Telegram accepts.
 */
function parseMultipart(
  contentType: string,
  body: Buffer,
): { params: Record<string, unknown>; files: RecordedCall["files"] } {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) throw new Error("multipart body without boundary");
  const params: Record<string, unknown> = {};
  const files: RecordedCall["files"] = [];
  for (const part of body.toString("utf8").split(`--${boundary}`)) {
    const sep = part.indexOf("\r\n\r\n");
    if (sep < 0) continue;
    const head = part.slice(0, sep);
    const value = part.slice(sep + 4).replace(/\r\n$/, "");
    const name = /name="?([^";\r\n]+)"?/i.exec(head)?.[1];
    const filename = /filename="?([^";\r\n]+)"?/i.exec(head)?.[1];
    if (!name) continue;
    if (filename) files.push({ field: name, name: filename, content: value });
    else params[name] = value;
  }
  return { params, files };
}

export async function startFakeTelegram(): Promise<FakeTelegram> {
  return new FakeTelegram().start();
}
