import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Tiktoken } from "js-tiktoken/lite";
import { tokenCounterFor } from "@/lib/chat/tokens";

/**
 * Long runs without whitespace are counted in 64-character pieces (js-tiktoken's merge is
 * quadratic in one pre-token's length: 4000 × "x" took ~8 s per count). Ordinary text counts
 * exactly as before; a long run overcounts by a token or two per piece.
 */
describe("token counting of long runs without spaces", () => {
  it("ordinary text is counted exactly; long runs within two tokens per 64-char piece of the exact count", async () => {
    const count = await tokenCounterFor("gpt-4o-mini");
    const exact = new Tiktoken((await import("js-tiktoken/ranks/o200k_base")).default);
    for (const s of [
      "",
      "Hello there, how are you today?",
      "I moved to Berlin in 2019 and love the U-Bahn.",
      "https://www.example.org/path?q=1#frag",
      "日本語のテキストも数えます。",
    ]) {
      assert.equal(count(s), exact.encode(s).length, s);
    }
    for (const s of [
      "x".repeat(1000),
      "internationalization".repeat(30),
      `see ${"a1b2c3".repeat(150)} ok`,
      "😀".repeat(300),
    ]) {
      const got = count(s);
      const want = exact.encode(s).length;
      assert.ok(
        got >= want && got <= want + 2 * Math.ceil(s.length / 64),
        `${s.slice(0, 12)}…: ${got} vs exact ${want}`,
      );
    }
  });
});
