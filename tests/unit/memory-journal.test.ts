import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { isAppError } from "@/lib/errors";
import { Journal, type PendingAppend } from "@/lib/memory/journal";
import { isUnavailable, redisError } from "@/lib/memory/redis-errors";

function entry(id: string, userId: number, content: string, vector?: number[]): PendingAppend {
  return {
    kind: "append",
    id,
    userId,
    message: { id, role: "user", content, ts: new Date(0).toISOString() },
    vector: vector ? Float32Array.from(vector) : undefined,
    activityMs: 1,
  };
}

const tmpFile = () => path.join(mkdtempSync(path.join(tmpdir(), "mm-journal-")), "sub", "journal.jsonl");

describe("Journal", () => {
  it("keeps entries in order, acks them and mirrors to a file that a new journal reloads", () => {
    const file = tmpFile();
    const j = new Journal(100, file);
    j.push(entry("a", 1, "one", [0.5, -0.25]));
    j.push(entry("b", 2, "two"));
    j.push({ kind: "settings", id: "c", userId: 1, patch: { model: "m" } });
    j.ack(["a"]);
    const again = new Journal(100, file);
    assert.deepEqual(again.peek(10).map((e) => e.id), ["b", "c"]);
    j.push(entry("d", 1, "four", [1, 2, 3]));
    const third = new Journal(100, file);
    const d = third.peek(10).find((e) => e.id === "d") as PendingAppend;
    assert.deepEqual(Array.from(d.vector!), [1, 2, 3]);
    assert.deepEqual(third.appendsFor(1).map((e) => e.id), ["d"]);
  });

  it("empties the file when everything is applied and ignores a torn last line", () => {
    const file = tmpFile();
    const j = new Journal(10, file);
    j.push(entry("a", 1, "x"));
    j.ack(["a"]);
    assert.equal(readFileSync(file, "utf8"), "");
    j.push(entry("b", 1, "y"));
    appendFileSync(file, '{"op":"add","entry":{"kind":"app');
    const reloaded = new Journal(10, file);
    assert.deepEqual(reloaded.peek(5).map((e) => e.id), ["b"]);
  });

  it("forgets a user's entries in memory and in the file", () => {
    const file = tmpFile();
    const j = new Journal(10, file);
    j.push(entry("a", 777001, "secret of user 777001"));
    j.push(entry("b", 2, "other"));
    j.removeUser(777001);
    assert.equal(j.pending, 1);
    assert.doesNotMatch(readFileSync(file, "utf8"), /777001/);
    assert.equal(j.hasUser(777001), false);
  });

  it("is bounded: a full journal refuses with unavailable:redis", () => {
    const j = new Journal(2);
    j.push(entry("a", 1, "x"));
    j.push(entry("b", 1, "y"));
    assert.throws(() => j.push(entry("c", 1, "z")), (e) => isAppError(e, "unavailable:redis"));
    assert.equal(j.pending, 2);
  });
});

describe("Redis error classification", () => {
  it("tells connection trouble from refused commands", () => {
    const refused = Object.assign(new Error("ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    assert.equal(isUnavailable(refused), true);
    assert.equal(isUnavailable(new Error("Connection is closed.")), true);
    assert.equal(isUnavailable(new Error("Command timed out")), true);
    const loading = Object.assign(new Error("LOADING Redis is loading the dataset in memory"), { name: "ReplyError" });
    assert.equal(isUnavailable(loading), true);
    const wrongType = Object.assign(new Error("WRONGTYPE Operation against a key"), { name: "ReplyError" });
    assert.equal(isUnavailable(wrongType), false);
    const a = redisError(refused, "read");
    assert.equal(a.code, "unavailable:redis");
    assert.equal(a.cause, refused);
    assert.equal(redisError(wrongType, "read").code, "internal:redis");
  });
});
