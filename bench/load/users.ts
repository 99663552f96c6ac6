import type { FakeTelegram } from "@/tests/fakes/telegram-api";
import { rng } from "../lib/corpus";

/**
 * Simulated Telegram users: each sends M messages through the real webhook, like a person —
 * the next message only after the reply to the previous one reached the (fake) Telegram Bot
 * API. A webhook answer other than 2xx is retried with the same update, as Telegram does.
 */

export interface SentMessage {
  user: number;
  seq: number;
  updateId: number;
  messageId: number;
  sentAt: number;
  /** Latency of the accepted (2xx) webhook call. */
  webhookMs?: number;
  /** Non-2xx answers or network errors before it was accepted. */
  failedAttempts: number;
  accepted: boolean;
  replyAt?: number;
}

export interface ObservedReply {
  user: number;
  seq?: number;
  at: number;
  text: string;
}

export interface LoadOptions {
  appUrl: string;
  secret: string;
  fake: FakeTelegram;
  users: number;
  messages: number;
  /** First simulated user id (Telegram user id = chat id in a private chat). */
  firstUserId: number;
  replyTimeoutMs: number;
  /** Spread of the users' first messages, so they do not all start in the same millisecond. */
  startJitterMs: number;
  /** Webhook requests in flight at once: Telegram's setWebhook max_connections (default 40). */
  maxConnections: number;
  onProgress?: (done: number, total: number) => void;
}

const words = [
  "today",
  "weekend",
  "my sister",
  "the garden",
  "work",
  "a long walk",
  "Lisbon",
  "my cat",
  "dinner",
  "the exam",
  "running",
  "guitar",
];

/** The text carries `ref u<id> m<seq>` so the fake model's echo ("You said: …") identifies the reply. */
export function messageText(user: number, seq: number, r: () => number): string {
  const a = words[Math.floor(r() * words.length)]!;
  const b = words[Math.floor(r() * words.length)]!;
  return `Thinking about ${a} and ${b} again. ref u${user} m${seq}`;
}

const REF = /ref u(\d+) m(\d+)/;

export function update(user: number, updateId: number, messageId: number, text: string): Record<string, unknown> {
  const from = { id: user, is_bot: false, first_name: `User${user}`, language_code: "en" };
  return {
    update_id: updateId,
    message: {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: user, type: "private", first_name: from.first_name },
      from,
      text,
    },
  };
}

/** Watches the fake's call log (append-only) and routes replies to the waiting users. */
class ReplyRouter {
  readonly replies: ObservedReply[] = [];
  private cursor = 0;
  private waiters = new Map<string, () => void>();
  private timer: NodeJS.Timeout;

  constructor(
    private readonly fake: FakeTelegram,
    private readonly isOurs: (chat: number) => boolean,
  ) {
    this.timer = setInterval(() => this.scan(), 2);
  }

  private scan(): void {
    const calls = this.fake.calls;
    for (; this.cursor < calls.length; this.cursor++) {
      const c = calls[this.cursor]!;
      if (c.method !== "sendMessage") continue;
      const chat = Number(c.params.chat_id);
      if (!this.isOurs(chat)) continue;
      const text = String(c.params.text ?? "");
      const m = REF.exec(text);
      const seq = m && Number(m[1]) === chat ? Number(m[2]) : undefined;
      this.replies.push({ user: chat, seq, at: c.at, text });
      const key = `${chat}:${seq}`;
      this.waiters.get(key)?.();
      this.waiters.delete(key);
    }
  }

  wait(user: number, seq: number, timeoutMs: number): Promise<number | undefined> {
    this.scan();
    const seen = this.replies.find((r) => r.user === user && r.seq === seq);
    if (seen) return Promise.resolve(seen.at);
    return new Promise((resolve) => {
      const key = `${user}:${seq}`;
      const t = setTimeout(() => {
        this.waiters.delete(key);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.set(key, () => {
        clearTimeout(t);
        resolve(this.replies.findLast((r) => r.user === user && r.seq === seq)?.at);
      });
    });
  }

  stop(): void {
    clearInterval(this.timer);
    this.scan();
  }
}

/** A counting semaphore: Telegram delivers at most max_connections updates at a time. */
function limiter(max: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

export async function runUsers(
  o: LoadOptions,
): Promise<{ sent: SentMessage[]; replies: ObservedReply[]; wallMs: number; errors: Record<string, number> }> {
  let nextUpdateId = 1_000_000 + Math.floor(Math.random() * 1_000_000);
  const router = new ReplyRouter(o.fake, (chat) => chat >= o.firstUserId && chat < o.firstUserId + o.users);
  const sent: SentMessage[] = [];
  const total = o.users * o.messages;
  let done = 0;
  const errors: Record<string, number> = {};
  const slot = limiter(o.maxConnections);

  /** One delivery; latency is measured from when the request is sent, as Telegram would see it. */
  function post(body: string): Promise<{ ok: boolean; ms: number }> {
    return slot(async () => {
      const t0 = performance.now();
      try {
        const res = await fetch(`${o.appUrl}/api/telegram`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": o.secret },
          body,
        });
        await res.arrayBuffer();
        const ok = res.status >= 200 && res.status < 300;
        if (!ok) errors[`HTTP ${res.status}`] = (errors[`HTTP ${res.status}`] ?? 0) + 1;
        return { ok, ms: performance.now() - t0 };
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        const kind = cause?.code ?? cause?.message ?? (e as Error).message;
        errors[kind] = (errors[kind] ?? 0) + 1;
        return { ok: false, ms: performance.now() - t0 };
      }
    });
  }

  async function user(index: number): Promise<void> {
    const id = o.firstUserId + index;
    const r = rng(id);
    await new Promise((res) => setTimeout(res, r() * o.startJitterMs));
    for (let seq = 1; seq <= o.messages; seq++) {
      const s: SentMessage = {
        user: id,
        seq,
        updateId: nextUpdateId++,
        messageId: seq * 2,
        sentAt: Date.now(),
        failedAttempts: 0,
        accepted: false,
      };
      sent.push(s);
      const body = JSON.stringify(update(id, s.updateId, s.messageId, messageText(id, seq, r)));
      // Telegram retries a failed delivery with growing pauses; so do we, for up to ~2 minutes.
      for (let attempt = 0; attempt < 12 && !s.accepted; attempt++) {
        const res = await post(body);
        if (res.ok) {
          s.accepted = true;
          s.webhookMs = res.ms;
        } else {
          s.failedAttempts++;
          await new Promise((res2) => setTimeout(res2, Math.min(500 * 2 ** attempt, 15_000)));
        }
      }
      if (!s.accepted) return; // the user gives up; the report counts it
      s.replyAt = await router.wait(id, seq, o.replyTimeoutMs);
      o.onProgress?.(++done, total);
      if (s.replyAt === undefined) return; // no reply: a person would stop here too
    }
  }

  const t0 = performance.now();
  await Promise.all(Array.from({ length: o.users }, (_, i) => user(i)));
  const wallMs = performance.now() - t0;
  // Late replies (after a timeout) and duplicates still count: give stragglers a moment.
  await new Promise((res) => setTimeout(res, 2000));
  router.stop();
  return { sent, replies: router.replies, wallMs, errors };
}
