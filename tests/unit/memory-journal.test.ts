import assert from "node:assert/strict";
import fs, {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { isAppError } from "@/lib/errors";
import { commandRecorder, encodeWrites } from "@/lib/memory/guarded-write";
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
  it("keeps entries in order, acks them and mirrors to a file that the next start adopts", () => {
    const file = tmpFile();
    const j = new Journal(100, file);
    j.push(entry("a", 1, "one", [0.5, -0.25]));
    j.push(entry("b", 2, "two"));
    j.push({ kind: "settings", id: "c", userId: 1, patch: { model: "m" } });
    j.ack(["a"]);
    j.close(); // the process ends with writes pending: its file stays for the next start
    const again = new Journal(100, file);
    assert.deepEqual(
      again.peek(10).map((e) => e.id),
      ["b", "c"],
    );
    assert.equal(existsSync(j.path!), false, "the adopted file is gone, its entries live in the new one");
    again.push(entry("d", 1, "four", [1, 2, 3]));
    again.close();
    const third = new Journal(100, file);
    const d = third.peek(10).find((e) => e.id === "d") as PendingAppend;
    assert.deepEqual(Array.from(d.vector!), [1, 2, 3]);
    assert.deepEqual(
      third.appendsFor(1).map((e) => e.id),
      ["d"],
    );
    assert.deepEqual(
      third.peek(10).map((e) => e.id),
      ["b", "c", "d"],
      "order survives two adoptions",
    );
    third.close();
  });

  it("empties the file when everything is applied and ignores a torn last line", () => {
    const file = tmpFile();
    const j = new Journal(10, file);
    j.push(entry("a", 1, "x"));
    j.ack(["a"]);
    assert.equal(readFileSync(j.path!, "utf8"), "");
    j.push(entry("b", 1, "y"));
    appendFileSync(j.path!, '{"op":"add","entry":{"kind":"app');
    j.close();
    const reloaded = new Journal(10, file);
    assert.deepEqual(
      reloaded.peek(5).map((e) => e.id),
      ["b"],
    );
    assert.equal(reloaded.deadLetterCount, 0, "a torn LAST line is a crash mid-write, not a dead letter");
    reloaded.close();
  });

  it("forgets a user's entries in memory and in the file", () => {
    const file = tmpFile();
    const j = new Journal(10, file);
    j.push(entry("a", 777001, "secret of user 777001"));
    j.push(entry("b", 2, "other"));
    j.removeUser(777001);
    assert.equal(j.pending, 1);
    assert.doesNotMatch(readFileSync(j.path!, "utf8"), /777001/);
    assert.equal(j.hasUser(777001), false);
    j.close();
  });

  it("is bounded: a full journal refuses with unavailable:redis", () => {
    const j = new Journal(2);
    j.push(entry("a", 1, "x"));
    j.push(entry("b", 1, "y"));
    assert.throws(
      () => j.push(entry("c", 1, "z")),
      (e) => isAppError(e, "unavailable:redis"),
    );
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

describe("Journal files: one per process, adopted when their process is gone", () => {
  it("two live journals on one JOURNAL_FILE write separate files and never adopt each other", () => {
    const file = tmpFile();
    const a = new Journal(10, file);
    const b = new Journal(10, file);
    assert.notEqual(a.path, b.path);
    a.push(entry("a1", 1, "from a"));
    b.push(entry("b1", 1, "from b"));
    const c = new Journal(10, file); // a and b are alive (locked): nothing to adopt
    assert.equal(c.pending, 0);
    a.close();
    const d = new Journal(10, file); // a closed with a pending entry: adopted
    assert.deepEqual(
      d.peek(5).map((e) => e.id),
      ["a1"],
    );
    assert.equal(b.pending, 1);
    assert.match(readFileSync(b.path!, "utf8"), /from b/);
    for (const j of [b, c, d]) j.close();
  });

  it("adopts the file of a crashed process once its lock is stale, and a legacy file named exactly JOURNAL_FILE", () => {
    const file = tmpFile();
    mkdirSync(path.dirname(file), { recursive: true });
    const dead = `${file}.otherhost.99999.0`;
    writeFileSync(dead, JSON.stringify({ op: "add", seq: 0, entry: entry("x1", 5, "crashed") }) + "\n");
    mkdirSync(`${dead}.lock`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${dead}.lock`, old, old); // nobody refreshed it for a minute: the holder is dead
    writeFileSync(file, JSON.stringify({ op: "add", entry: entry("l1", 5, "legacy") }) + "\n");
    const j = new Journal(10, file);
    assert.deepEqual(
      j
        .peek(5)
        .map((e) => e.id)
        .sort(),
      ["l1", "x1"],
    );
    assert.equal(existsSync(dead), false);
    assert.equal(existsSync(file), false);
    j.close();
  });

  it("does not adopt a file whose lock is fresh (its process is alive elsewhere)", () => {
    const file = tmpFile();
    mkdirSync(path.dirname(file), { recursive: true });
    const live = `${file}.otherhost.99998.0`;
    writeFileSync(live, JSON.stringify({ op: "add", seq: 0, entry: entry("y1", 5, "alive") }) + "\n");
    mkdirSync(`${live}.lock`);
    const j = new Journal(10, file);
    assert.equal(j.pending, 0);
    assert.equal(existsSync(live), true);
    j.close();
  });

  it("a write reserved before others but journaled after them goes in front (a failed live write never lands behind a later one)", () => {
    const file = tmpFile();
    const j = new Journal(10, file);
    const early = j.reserve();
    j.push(entry("later-1", 1, "b"));
    j.push(entry("later-2", 1, "c"));
    j.push(entry("early", 1, "a"), early);
    assert.deepEqual(
      j.peek(5).map((e) => e.id),
      ["early", "later-1", "later-2"],
    );
    j.close();
    const again = new Journal(10, file);
    assert.deepEqual(
      again.peek(5).map((e) => e.id),
      ["early", "later-1", "later-2"],
      "the file keeps that order too",
    );
    again.close();
  });

  it("moves a malformed entry to the dead-letter file, loudly, and keeps the rest", () => {
    const file = tmpFile();
    mkdirSync(path.dirname(file), { recursive: true });
    const lines = [
      { op: "add", seq: 0, entry: entry("ok1", 1, "fine") },
      { op: "add", seq: 1, entry: { kind: "append", id: "bad", userId: -3, message: { id: "bad" } } },
      { op: "add", seq: 2, entry: entry("ok2", 1, "fine too") },
    ];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const j = new Journal(10, file);
    assert.deepEqual(
      j.peek(5).map((e) => e.id),
      ["ok1", "ok2"],
    );
    assert.equal(j.deadLetterCount, 1);
    assert.match(readFileSync(`${file}.dead`, "utf8"), /"bad"/);
    j.close();
  });

  it("fsyncs every line before push() and ack() return", () => {
    const j = new Journal(10, tmpFile());
    const original = fs.fsyncSync;
    let calls = 0;
    fs.fsyncSync = (fd: number) => {
      calls += 1;
      original(fd);
    };
    syncBuiltinESMExports();
    try {
      j.push(entry("f1", 1, "x"));
      assert.equal(calls, 1, "push fsyncs");
      j.push(entry("f2", 1, "y"));
      j.ack(["f1"]);
      assert.equal(calls, 3, "ack fsyncs");
    } finally {
      fs.fsyncSync = original;
      syncBuiltinESMExports();
      j.close();
    }
  });
});

describe("command recorder and the guarded-write encoding", () => {
  it("records ioredis-style calls (objects flattened, Buffers kept, chaining) and refers to keys by index", () => {
    const { p, commands } = commandRecorder();
    const blob = Buffer.from([0, 255, 13, 10]);
    p.hset("k:1", { a: "1", b: blob }).expire("k:1", 60);
    p.call("VADD", "k:2", "FP32", blob, "id");
    p.zadd("k:3", 5, "7");
    assert.deepEqual(
      commands.map((c) => c.name),
      ["HSET", "EXPIRE", "VADD", "ZADD"],
    );
    assert.deepEqual(commands[0]!.args, ["k:1", "a", "1", "b", blob]);
    const { keys, args } = encodeWrites([{ guard: { key: "g", value: "v", ttlSeconds: 9 }, commands }]);
    assert.deepEqual(keys, ["g", "k:1", "k:2", "k:3"]);
    assert.deepEqual(args.slice(0, 8), [1, "1", 1, "v", 9, "", 0, 4]);
    assert.deepEqual(args.slice(8, 15), [6, "HSET", 2, "a", "1", "b", blob]);
    // A record guard: HSETNX of the record's field first, the tombstone key by index too.
    const rec = encodeWrites([
      {
        guard: { hash: "k:1", field: "id1", value: blob, tombstone: "t", reply: "id1 ts" },
        commands: commands.slice(1),
      },
    ]);
    assert.deepEqual(rec.keys, ["k:1", "t", "k:2", "k:3"]);
    assert.deepEqual(rec.args.slice(0, 8), [1, "2", 1, "id1", blob, "id1 ts", 2, 3]);
    assert.throws(() => p.exec(), /not executed/);
  });
});

describe("Redis error classification: writes refused for now", () => {
  it("treats OOM, MISCONF, READONLY and LOADING (also from inside a script) as retry-later", () => {
    const reply = (m: string) => Object.assign(new Error(m), { name: "ReplyError" });
    assert.equal(
      isUnavailable(reply("OOM command not allowed when used memory > 'maxmemory'. script: abc, on @user_script:15.")),
      true,
    );
    assert.equal(
      isUnavailable(
        reply("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk."),
      ),
      true,
    );
    assert.equal(isUnavailable(reply("READONLY You can't write against a read only replica.")), true);
    assert.equal(redisError(reply("OOM command not allowed"), "write").code, "unavailable:redis");
    assert.equal(isUnavailable(reply("ERR unknown command 'FOO'")), false);
  });
});
