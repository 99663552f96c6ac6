import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isAppError } from "@/lib/errors";
import { assertUserId, idTime, newMessageId } from "@/lib/memory/ids";
import { cleanText, isBlank, TRUNCATION_MARKER } from "@/lib/memory/text";

describe("message ids", () => {
  it("are unique and sort in creation order, also many within one millisecond", () => {
    const ids = Array.from({ length: 20_000 }, () => newMessageId());
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids);
    // 20k ids take a few ms at most, so many share a millisecond: the sequence must order them
    const perMs = new Map<number, number>();
    for (const id of ids) perMs.set(idTime(id), (perMs.get(idTime(id)) ?? 0) + 1);
    const busiest = Math.max(...perMs.values());
    assert.ok(busiest > 1, `expected several ids within one millisecond, got at most ${busiest}`);
  });

  it("encode the time (base36 ms) and honour an explicit time in order", () => {
    const before = Date.now();
    const id = newMessageId();
    assert.ok(idTime(id) >= before && idTime(id) <= Date.now());
    const at = new Date("2023-05-08T13:56:00Z");
    const a = newMessageId(at);
    const b = newMessageId(at);
    assert.equal(idTime(a), at.getTime());
    assert.ok(a < b, "same explicit time keeps insertion order");
    assert.match(a, /^[0-9a-z]{9}-[0-9a-z]{10}$/);
  });

  it("refuses invalid explicit times", () => {
    assert.throws(
      () => newMessageId(new Date("nope")),
      (e) => isAppError(e, "bad_request:memory"),
    );
  });
});

describe("user ids", () => {
  it("accept positive safe integers only", () => {
    assertUserId(1);
    assertUserId(2 ** 53 - 1);
    for (const bad of [0, -5, 1.5, NaN, Infinity, 2 ** 53, "42", null, undefined, 10n]) {
      assert.throws(
        () => assertUserId(bad),
        (e) => isAppError(e, "bad_request:memory"),
        `accepted ${String(bad)}`,
      );
    }
  });
});

describe("cleanText", () => {
  it("strips control characters but keeps newlines and tabs; CRLF becomes LF", () => {
    const { text, truncated } = cleanText("a\u0000b\u0007c\td\r\ne\rf\u001bg\u007fh\u0085i\n", 1000);
    assert.equal(text, "abc\td\ne\nfghi\n");
    assert.equal(truncated, false);
  });

  it("replaces lone surrogates with U+FFFD and keeps valid pairs", () => {
    const { text } = cleanText("ok 😀 \uD83D x \uDE00 end\uD83D", 1000);
    assert.equal(text, "ok 😀 \uFFFD x \uFFFD end\uFFFD");
    assert.equal(Buffer.from(text, "utf8").toString("utf8"), text);
  });

  it("truncates at maxChars with a visible marker, never inside a surrogate pair", () => {
    const long = "x".repeat(100_000);
    const r = cleanText(long, 16_000);
    assert.equal(r.truncated, true);
    assert.equal(r.text, "x".repeat(16_000) + TRUNCATION_MARKER);
    const emoji = "a" + "😀".repeat(10); // the pair would be split at 4
    const e = cleanText(emoji, 4);
    assert.equal(e.text, "a😀" + TRUNCATION_MARKER);
    assert.equal(cleanText("exactly", 7).truncated, false);
  });

  it("isBlank is true for empty and whitespace-only text", () => {
    assert.equal(isBlank(""), true);
    assert.equal(isBlank(" \n\t "), true);
    assert.equal(isBlank(" a "), false);
  });
});
