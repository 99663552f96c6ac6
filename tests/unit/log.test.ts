import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { resetConfigForTests } from "@/lib/config";
import { logger, setLogOutputForTests, type LogOutput } from "@/lib/log";

/** Collects what the logger writes, with the level it was routed by. */
function capture(json: boolean): { lines: { line: string; level: string }[]; out: LogOutput; restore: () => void } {
  const lines: { line: string; level: string }[] = [];
  const out: LogOutput = { write: (line, level) => void lines.push({ line, level }) };
  setLogOutputForTests(out, { json });
  return { lines, out, restore: () => setLogOutputForTests() };
}

function withLevel(level: string | undefined) {
  if (level === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = level;
  resetConfigForTests();
}

describe("log (pino)", () => {
  const saved = process.env.LOG_LEVEL;
  beforeEach(() => withLevel("debug"));
  afterEach(() => {
    setLogOutputForTests();
    withLevel(saved);
  });

  it("writes one JSON object per line with level, time, scope, message and context", () => {
    const c = capture(true);
    logger("memory").info("stored", { userId: 7, count: 2 });
    assert.equal(c.lines.length, 1);
    assert.ok(c.lines[0]!.line.endsWith("\n"));
    const o = JSON.parse(c.lines[0]!.line) as Record<string, unknown>;
    assert.equal(o.level, "info");
    assert.equal(o.scope, "memory");
    assert.equal(o.message, "stored");
    assert.deepEqual(o.context, { userId: 7, count: 2 });
    assert.ok(!Number.isNaN(Date.parse(String(o.time))));
    assert.equal(c.lines[0]!.level, "info");
  });

  it("redacts secrets in the context and one level below it", () => {
    const c = capture(true);
    logger("bot").warn("request failed", {
      token: "123:abc",
      botToken: "123:def",
      apiKey: "sk-live",
      password: "hunter2hunter2",
      userId: 42,
      request: {
        authorization: "Bearer s3cr3t",
        cookie: "mm_session=xyz",
        secret: "shh",
        url: "https://api.telegram.org",
      },
    });
    const line = c.lines[0]!.line;
    for (const leaked of ["123:abc", "123:def", "sk-live", "hunter2", "s3cr3t", "mm_session=xyz", "shh"])
      assert.ok(!line.includes(leaked), `${leaked} leaked: ${line}`);
    const ctx = (JSON.parse(line) as { context: Record<string, unknown> }).context;
    assert.equal(ctx.token, "[redacted]");
    assert.equal(ctx.userId, 42);
    assert.deepEqual(ctx.request, {
      authorization: "[redacted]",
      cookie: "[redacted]",
      secret: "[redacted]",
      url: "https://api.telegram.org",
    });
  });

  it("redacts in the readable format too", () => {
    const c = capture(false);
    logger("bot").info("x", { token: "123:abc", nested: { apiKey: "sk-live" } });
    assert.ok(!c.lines[0]!.line.includes("123:abc") && !c.lines[0]!.line.includes("sk-live"), c.lines[0]!.line);
  });

  it("describes errors with name, message, code and the cause chain", () => {
    const c = capture(true);
    const root = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6379"), { code: "ECONNREFUSED" });
    const mid = new TypeError("pipeline failed", { cause: root });
    const top = Object.assign(new Error("could not store", { cause: mid }), {
      name: "AppError",
      code: "unavailable:redis",
    });
    logger("memory").error("append failed", { error: top, userId: 1 });
    const ctx = (JSON.parse(c.lines[0]!.line) as { context: Record<string, unknown> }).context;
    assert.deepEqual(ctx.error, {
      name: "AppError",
      message: "could not store",
      code: "unavailable:redis",
      cause: {
        name: "TypeError",
        message: "pipeline failed",
        cause: { name: "Error", message: "connect ECONNREFUSED 127.0.0.1:6379", code: "ECONNREFUSED" },
      },
    });
    assert.equal(c.lines[0]!.level, "error");
  });

  it("filters by LOG_LEVEL, read on every call", () => {
    const c = capture(true);
    const log = logger("levels");
    withLevel("warn");
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    assert.deepEqual(
      c.lines.map((l) => (JSON.parse(l.line) as { message: string }).message),
      ["w", "e"],
    );
    withLevel("debug");
    log.debug("d2");
    assert.equal((JSON.parse(c.lines.at(-1)!.line) as { level: string }).level, "debug");
    withLevel("error");
    log.warn("w2");
    assert.equal(c.lines.length, 3);
  });

  it("falls back to info when the config is broken", () => {
    const c = capture(true);
    withLevel("chatty"); // invalid: getConfig throws
    const log = logger("broken");
    log.debug("d");
    log.info("i");
    assert.deepEqual(
      c.lines.map((l) => (JSON.parse(l.line) as { message: string }).message),
      ["i"],
    );
  });

  it("prints the readable `ISO LEVEL [scope] message {context}` line outside production", () => {
    const c = capture(false);
    logger("memory").warn("journaled", { pending: 3 });
    assert.match(
      c.lines[0]!.line,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARN  \[memory\] journaled \{"pending":3\}\n$/,
    );
    assert.equal(c.lines[0]!.level, "warn");
    logger("memory").info("plain");
    assert.match(c.lines[1]!.line, /Z INFO  \[memory\] plain\n$/);
  });
});
