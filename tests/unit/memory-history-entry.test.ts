import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeHistoryEntry, parseHistoryEntry } from "@/lib/memory/history";
import { idTime, newMessageId } from "@/lib/memory/ids";
import type { HistoryMessage } from "@/lib/memory/types";

describe("history entry encoding", () => {
  const id = newMessageId();
  const ts = new Date(idTime(id)).toISOString();

  it("round-trips every field and is ≈ 24 bytes + content (the JSON was ≈ 80)", () => {
    const cases: HistoryMessage[] = [
      { id, role: "user", content: "hello\nworld \t 日本 🎉", ts },
      { id, role: "assistant", content: "", ts, tgMessageId: 42 },
      { id, role: "system", content: "x… [truncated]", ts, truncated: true, tgMessageId: -1 },
      { id: "foreign-id", role: "user", content: "imported", ts: "2020-01-02T03:04:05.678Z" },
      { id, role: "user", content: "ts differs from the id", ts: "2021-01-01T00:00:00.000Z" },
      { id, role: "user", content: "\x1f looks like a separator \x02", ts },
    ];
    for (const m of cases) assert.deepEqual(parseHistoryEntry(encodeHistoryEntry(m)), m);
    const plain = { id, role: "user" as const, content: "hello", ts };
    assert.equal(Buffer.byteLength(encodeHistoryEntry(plain)), 24 + 5);
    assert.ok(JSON.stringify(plain).length > 24 + 5 + 50);
  });

  it("still reads the JSON entries main wrote, and skips garbage", () => {
    const old = { id, role: "assistant" as const, content: "old format", ts, tgMessageId: 7 };
    assert.deepEqual(parseHistoryEntry(JSON.stringify(old)), old);
    assert.equal(parseHistoryEntry("not json"), undefined);
    assert.equal(parseHistoryEntry("\x02x0abc\x1fz"), undefined);
    assert.equal(parseHistoryEntry("\x02u0no-separator"), undefined);
  });

  it("falls back to JSON for ids that contain the separator", () => {
    const m = { id: "a\x1fb", role: "user" as const, content: "c", ts };
    assert.equal(encodeHistoryEntry(m)[0], "{");
    assert.deepEqual(parseHistoryEntry(encodeHistoryEntry(m)), m);
  });
});
