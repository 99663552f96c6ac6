import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { levelOf } from "@/lib/memory/budget";
import { budgetBytes, isOomError, parseServerMemory } from "@/lib/memory/budget/info";
import { parseSamples, project } from "@/lib/memory/budget/samples";

const MB = 1024 * 1024;

describe("memory budget arithmetic", () => {
  it("defaults to 85 % of maxmemory, off without one; MEMORY_BUDGET_MB wins, capped at maxmemory; 0 = off", () => {
    assert.deepEqual(budgetBytes(undefined, 25 * MB), {
      bytes: Math.round(25 * MB * 0.85),
      source: "85 % of maxmemory",
    });
    assert.deepEqual(budgetBytes(undefined, 0), { bytes: 0, source: "off" });
    assert.deepEqual(budgetBytes(10, 25 * MB), { bytes: 10 * MB, source: "MEMORY_BUDGET_MB" });
    assert.deepEqual(budgetBytes(100, 25 * MB), { bytes: 25 * MB, source: "MEMORY_BUDGET_MB" });
    assert.deepEqual(budgetBytes(0, 25 * MB), { bytes: 0, source: "off" });
  });

  it("projects 'full in N days' from the last 24 h only, and only when growing", () => {
    const now = 10 * 86_400_000;
    const samples = [
      { ts: now - 3 * 86_400_000, usedBytes: 0 }, // outside the window: ignored
      { ts: now - 86_400_000, usedBytes: 10 * MB },
      { ts: now - 3_600_000, usedBytes: 11 * MB },
    ];
    const p = project(samples, { ts: now, usedBytes: 12 * MB }, 20 * MB)!;
    assert.equal(p.growthPerDay, 2 * MB);
    assert.equal(p.windowHours, 24);
    assert.equal(p.daysToFull, 4);
    assert.equal(project(samples, { ts: now, usedBytes: 9 * MB }, 20 * MB)!.daysToFull, null, "shrinking");
    assert.equal(
      project([{ ts: now - 60_000, usedBytes: 1 }], { ts: now, usedBytes: 2 }, 20 * MB),
      undefined,
      "needs 30 minutes",
    );
    assert.deepEqual(parseSamples(["5:7", "garbage", "6:8"]), [
      { ts: 5, usedBytes: 7 },
      { ts: 6, usedBytes: 8 },
    ]);
  });

  it("levels: warn > 90 %, critical > 95 %, full at maxmemory or after OOM; OOM is found in causes", () => {
    assert.equal(levelOf(89, 100, 200, false).level, "ok");
    assert.equal(levelOf(91, 100, 200, false).level, "warn");
    assert.equal(levelOf(96, 100, 200, false).level, "critical");
    assert.equal(levelOf(199, 0, 200, false).level, "full");
    assert.equal(levelOf(10, 0, 0, true).level, "full");
    assert.equal(levelOf(10, 0, 0, false).share, null);
    const oom = new Error("Redis refused to store the message", {
      cause: new Error("OOM command not allowed when used memory > 'maxmemory'."),
    });
    assert.ok(isOomError(oom));
    assert.ok(!isOomError(new Error("ERR wrong type")));
    assert.deepEqual(parseServerMemory("used_memory:123\r\nmaxmemory:456\r\nmaxmemory_policy:noeviction\r\n"), {
      usedBytes: 123,
      maxmemoryBytes: 456,
      policy: "noeviction",
    });
  });
});
