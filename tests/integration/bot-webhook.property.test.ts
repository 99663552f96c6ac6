import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import type { Update } from "grammy/types";
import { createWebhookHandler } from "@/lib/bot/webhook";
import { WEBHOOK_MAX_BODY_BYTES } from "@/lib/bot/webhook-request";
import { createBotHarness, WEBHOOK_SECRET, type BotHarness } from "../helpers/bot-harness";
import { keysWithPrefix, testServers } from "../helpers/servers";

/**
 * The webhook's request reading (lib/bot/webhook-request.ts, behind app/api/telegram) against
 * generated input, through the real handler with real Redis: the secret is checked before a
 * byte of the body is read, the 1 MB cap counts bytes (Content-Length and the stream), bad
 * bodies are 400s, and no rejected request leaves a key behind. Never a 5xx.
 */

const server = testServers().available[0];
const skip = server ? false : "no test Redis (REDIS7_URL etc. not set): run through npm test";
const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

describe("telegram webhook: property-based request reading", { skip }, () => {
  let h: BotHarness;
  let handler: (req: Request) => Promise<Response>;
  const pending = new Set<Promise<void>>();
  const settle = async () => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };

  before(async () => {
    h = await createBotHarness({ server: server! });
    handler = createWebhookHandler({
      secretToken: WEBHOOK_SECRET,
      token: h.tg.token,
      botInfo: async () => h.bot.botInfo,
      queue: async () => h.queue,
      handle: (u: Update) => h.bot.handleUpdate(u),
      runAfter: (task) => {
        const p: Promise<void> = new Promise<void>((r) => setImmediate(r)).then(task).finally(() => pending.delete(p));
        pending.add(p);
      },
    });
  });
  after(async () => {
    await settle();
    await h?.close();
  });

  const keys = async () =>
    new Set((await keysWithPrefix(h.raw, h.prefix)).filter((k) => !k.startsWith(`${h.prefix}metrics:`)));
  const post = (
    body: BodyInit | null,
    headers: Record<string, string> = {},
    secret: string | null = WEBHOOK_SECRET,
  ) => {
    const hs = new Headers(headers);
    if (secret !== null) hs.set("x-telegram-bot-api-secret-token", secret);
    return handler(
      new Request("http://localhost/api/telegram", {
        method: "POST",
        headers: hs,
        body,
        duplex: "half",
      } as RequestInit),
    );
  };

  async function assertRejectedStoresNothing(send: () => Promise<Response>, expected?: number): Promise<number> {
    await settle();
    const before = await keys();
    const res = await send();
    const text = await res.text();
    if (res.status >= 500) assert.fail(`${res.status}: ${text}`);
    if (expected !== undefined) assert.equal(res.status, expected, text);
    if (res.status >= 400) {
      const body = JSON.parse(text) as { error: { code: string; message: string } };
      assert.match(body.error.code, /^[a-z_]+:bot$/);
      await settle();
      const after = await keys();
      assert.deepEqual(
        [...after].filter((k) => !before.has(k)),
        [],
        `a rejected request (${res.status}) stored keys`,
      );
    }
    return res.status;
  }

  it("valid secret, arbitrary JSON: never a 5xx, a rejection stores nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), (v) =>
        assertRejectedStoresNothing(() =>
          post(JSON.stringify(v) ?? "null", { "content-type": "application/json" }),
        ).then(() => undefined),
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
  });

  it("valid secret, arbitrary bytes and text: 400 with a typed error, nothing stored", async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 500 }),
      fc.string({ maxLength: 200 }).map((s) => new TextEncoder().encode(s)),
    );
    await fc.assert(
      fc.asyncProperty(bytes, async (b) => {
        const status = await assertRejectedStoresNothing(() => post(b as BodyInit));
        // Bytes that happen to be a JSON object with a valid update_id are the only way in.
        if (status === 200) assert.ok(/update_id/.test(new TextDecoder().decode(b)));
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  });

  it("valid secret, update-shaped objects with arbitrary fields: accepted or 400, never a 5xx (also in the work after the response)", async () => {
    const update = fc.record(
      {
        update_id: fc.oneof(fc.nat({ max: 2 ** 31 }), fc.integer({ min: -5, max: -1 }), fc.double(), fc.string()),
        message: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: ["update_id"] },
    );
    await fc.assert(
      fc.asyncProperty(update, (u) => assertRejectedStoresNothing(() => post(JSON.stringify(u))).then(() => undefined)),
      { numRuns: Math.ceil(RUNS / 3), endOnFailure: true },
    );
    await settle();
  });

  it("wrong or missing secret: 401 before the body is read (a body that fails when read is never touched)", async () => {
    let pulled = 0;
    // highWaterMark 0: the stream pulls only when someone reads it.
    const poisoned = () =>
      new ReadableStream<Uint8Array>(
        {
          pull() {
            pulled += 1;
            throw new Error("the body must not be read before the secret is checked");
          },
        },
        { highWaterMark: 0 },
      );
    await fc.assert(
      fc.asyncProperty(fc.option(fc.string({ maxLength: 80 }), { nil: null }), async (secret) => {
        fc.pre(secret !== WEBHOOK_SECRET);
        await assertRejectedStoresNothing(() => post(poisoned(), { "content-type": "application/json" }, secret), 401);
      }),
      { numRuns: 50, endOnFailure: true },
    );
    assert.equal(pulled, 0);
  });

  it("413 above 1 MB by Content-Length (nothing read) and by the bytes actually streamed, counting bytes not characters", async () => {
    const update = (text: string) =>
      JSON.stringify({ update_id: 77, message: { message_id: 1, date: 1, chat: { id: 1, type: "private" }, text } });
    // Declared too large: refused from the header alone.
    await assertRejectedStoresNothing(
      () => post(update("x"), { "content-length": String(WEBHOOK_MAX_BODY_BYTES + 1) }),
      413,
    );
    // Streamed without a length, 64 KB chunks past the cap: cut off by the running byte count.
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        sent += 65536;
        c.enqueue(new Uint8Array(65536).fill(0x20));
        if (sent > 50 * WEBHOOK_MAX_BODY_BYTES) c.close();
      },
    });
    await assertRejectedStoresNothing(() => post(endless), 413);
    assert.ok(sent < 3 * WEBHOOK_MAX_BODY_BYTES, `read stopped near the cap (${sent} bytes pulled)`);
    // 400 000 "€" are fewer than 1 M characters but 1.2 MB of UTF-8.
    const euros = update("€".repeat(400_000));
    assert.ok(euros.length < WEBHOOK_MAX_BODY_BYTES && Buffer.byteLength(euros) > WEBHOOK_MAX_BODY_BYTES);
    await assertRejectedStoresNothing(() => post(euros), 413);
    // Just under the cap in bytes is read and parsed (here: a 400 for a non-update, not a 413).
    const under = JSON.stringify({ pad: "é".repeat(Math.floor((WEBHOOK_MAX_BODY_BYTES - 20) / 2)) });
    assert.ok(Buffer.byteLength(under) <= WEBHOOK_MAX_BODY_BYTES);
    await assertRejectedStoresNothing(() => post(under), 400);
    await assertRejectedStoresNothing(() => post("{}", { "content-length": "abc" }), 400);
  });
});
