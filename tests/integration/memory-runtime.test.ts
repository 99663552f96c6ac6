import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { resetConfigForTests } from "@/lib/config";
import { buildHealth } from "@/lib/health";
import { getMemory, memoryJournalState } from "@/lib/app";
import { getRuntime } from "@/lib/app";
import { modelSkipReason } from "../helpers/embedder";
import { deletePrefix, rawClient, serverByName, uniquePrefix } from "../helpers/servers";

/** getMemory() wires the app's facade from the runtime (config, probe, embedder) exactly once. */
const server = serverByName("redis-stack") ?? serverByName("redis8") ?? serverByName("redis7");
const skip = modelSkipReason || (server ? false : "no test server URL set");

describe("getMemory() from the runtime", { skip }, () => {
  const prefix = uniquePrefix("runtime");
  after(async () => {
    const memory = await getMemory();
    await memory.forget(4711);
    const raw = rawClient(server!.url);
    await deletePrefix(raw, prefix);
    raw.disconnect();
    getRuntime().redis.disconnect();
  });

  it("probes the engine, initialises once, and the health report carries the journal state", async () => {
    process.env.REDIS_URL = server!.url;
    process.env.REDIS_PREFIX = prefix;
    process.env.VECTOR_ENGINE = "auto";
    resetConfigForTests();
    assert.equal(memoryJournalState(), undefined, "health never creates the facade");
    const [a, b] = await Promise.all([getMemory(), getMemory()]);
    assert.equal(a, b, "one instance");
    assert.equal(a.engine, server!.engine);
    assert.equal(a.embedderId, "local:Xenova/all-MiniLM-L6-v2");
    await a.appendMessage({ userId: 4711, role: "user", content: "runtime wiring check" });
    assert.equal((await a.getHistory(4711)).length, 1);
    assert.deepEqual(memoryJournalState(), { degraded: false, pending: 0 });

    const health = await buildHealth(getRuntime());
    assert.deepEqual(health.journal, { degraded: false, pending: 0 });
    assert.ok(!health.reasons.some((r) => /journal/.test(r)));

    // With writes waiting in the journal the app is reported degraded (not down).
    const real = a.journalState.bind(a);
    a.journalState = () => ({ degraded: true, pending: 3 });
    try {
      const degraded = await buildHealth(getRuntime());
      assert.equal(degraded.status, "degraded");
      assert.ok(degraded.reasons.some((r) => /3 write\(s\) journaled/.test(r)));
    } finally {
      a.journalState = real;
    }
  });
});
