import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { createBotHarness, textsTo, type BotHarness } from "../helpers/bot-harness";
import { keysWithPrefix, testServers } from "../helpers/servers";
import { testUser, textUpdate } from "../helpers/telegram-updates";

/**
 * The webhook transport through the real handler (lib/bot/webhook.ts behind
 * app/api/telegram): secret, malformed bodies, Telegram retries, fast acknowledgement with
 * the work after the response, strict per-chat order, and recovery from a dead worker.
 */

const server = testServers().available[0];
const skip = server ? false : "no test Redis (REDIS7_URL etc. not set): run through npm test";

describe("telegram webhook", { skip }, () => {
  let h: BotHarness;
  before(async () => {
    h = await createBotHarness({ server: server! });
  });
  after(async () => h?.close());
  beforeEach(() => {
    h.tg.reset();
    h.ai.reset();
  });

  const dataKeys = async () =>
    (await keysWithPrefix(h.raw, h.prefix)).filter(
      (k) => !k.startsWith(`${h.prefix}bot:info:`) && !k.startsWith(`${h.prefix}m:_`),
    );

  it("missing or wrong secret → 401, nothing stored, nothing answered", async () => {
    const u = testUser(910001);
    const noHeader = await h.post(textUpdate(u, "hello"), { secret: null });
    const wrong = await h.post(textUpdate(u, "hello"), { secret: "not-the-secret" });
    const sameLength = await h.post(textUpdate(u, "hello"), { secret: "x".repeat(36) });
    assert.deepEqual([noHeader.status, wrong.status, sameLength.status], [401, 401, 401]);
    await h.settle();
    assert.deepEqual(await dataKeys(), []);
    assert.equal(h.tg.calls.length, 0);
    assert.equal(h.ai.requests.length, 0);
  });

  it("malformed body → 400 with a typed error, nothing stored", async () => {
    for (const rawBody of [
      "{not json",
      "[]",
      "{}",
      JSON.stringify({ update_id: "7" }),
      JSON.stringify({ update_id: -1 }),
    ]) {
      const res = await h.post(undefined, { rawBody });
      assert.equal(res.status, 400, rawBody);
      const body = (await res.json()) as { error: { code: string } };
      assert.equal(body.error.code, "bad_request:bot");
    }
    await h.settle();
    assert.deepEqual(await dataKeys(), []);
    assert.equal(h.tg.calls.length, 0);
  });

  it("a duplicate delivery (Telegram retry) is acknowledged and answered once", async () => {
    const u = testUser(910002);
    const update = textUpdate(u, "only once please");
    const first = await h.post(update);
    const again = await Promise.all([h.post(update), h.post(update)]);
    assert.deepEqual([first.status, ...again.map((r) => r.status)], [200, 200, 200]);
    await h.settle();
    assert.equal(await h.post(update).then((r) => r.status), 200); // also after processing
    await h.settle();
    assert.deepEqual(textsTo(h.tg, u.id), ["You said: only once please"]);
    assert.equal(h.ai.chatRequests().length, 1);
    const history = await h.memory.getHistory(u.id, 10);
    assert.deepEqual(
      history.map((m) => m.role),
      ["user", "assistant"],
    );
  });

  it("a 20-message burst to one chat is acknowledged fast and answered in order, one at a time (LLM 300 ms each)", async () => {
    const u = testUser(910003);
    h.ai.latencyMs = 300;
    const acks: number[] = [];
    const started = Date.now();
    for (let i = 1; i <= 20; i++) {
      const t0 = performance.now();
      const res = await h.post(textUpdate(u, `message ${i}`));
      acks.push(performance.now() - t0);
      assert.equal(res.status, 200);
    }
    const ackedAllAfter = Date.now() - started;
    await h.settle();
    const total = Date.now() - started;

    assert.deepEqual(
      textsTo(h.tg, u.id),
      Array.from({ length: 20 }, (_, i) => `You said: message ${i + 1}`),
    );
    assert.equal(h.ai.maxConcurrent, 1, "one chat's messages must never be processed concurrently");
    const userTurns = h.ai.chatRequests().map((b) => b.messages.at(-1)!.content);
    assert.deepEqual(
      userTurns,
      Array.from({ length: 20 }, (_, i) => `message ${i + 1}`),
    );
    const history = await h.memory.getHistory(u.id, 100);
    assert.deepEqual(
      history.filter((m) => m.role === "user").map((m) => m.content),
      userTurns,
    );

    acks.sort((a, b) => a - b);
    const p50 = acks[10]!;
    const max = acks.at(-1)!;
    console.log(
      `burst: 20 acks p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms, all acked after ${ackedAllAfter} ms, all answered after ${total} ms`,
    );
    assert.ok(ackedAllAfter < 20 * 300, `acks must not wait for the model (took ${ackedAllAfter} ms)`);
    assert.ok(max < 1000, `each ack must be fast (max ${max.toFixed(0)} ms)`);
    assert.ok(total >= 20 * 300, "all 20 model calls ran one after another");
    assert.equal(await h.queue.size(String(u.id)), 0);
  });

  it("a worker that died holding a chat's lock delays the chat only until the lock expires", async () => {
    const u = testUser(910004);
    const other = testUser(910005);
    // A lock left behind by a crashed instance (it will never release or renew it).
    await h.raw.set(`${h.prefix}q:lock:${u.id}`, "dead-worker", "PX", 1200);
    assert.equal((await h.post(textUpdate(u, "are you there?"))).status, 200);
    await h.settle();
    assert.deepEqual(textsTo(h.tg, u.id), [], "nothing may run while the lock is held");
    assert.equal(await h.queue.size(String(u.id)), 1, "the update waits durably in Redis");

    await new Promise((r) => setTimeout(r, 1300));
    // Any later webhook call sweeps orphaned queues after its own chat.
    assert.equal((await h.post(textUpdate(other, "hi"))).status, 200);
    await h.settle();
    assert.deepEqual(textsTo(h.tg, other.id), ["You said: hi"]);
    assert.deepEqual(textsTo(h.tg, u.id), ["You said: are you there?"]);
    assert.equal(await h.raw.exists(`${h.prefix}q:lock:${u.id}`, `${h.prefix}q:${u.id}`), 0);
    assert.equal(await h.raw.zscore(`${h.prefix}q:work`, String(u.id)), null);
  });
});
