import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeHtml, markdownToHtml } from "@/lib/bot/format/html";
import { splitMessage, TELEGRAM_TEXT_LIMIT } from "@/lib/bot/format/split";

describe("markdownToHtml (Telegram HTML subset)", () => {
  it("escapes &, < and > everywhere", () => {
    assert.equal(escapeHtml(`a < b && c > "d"`), `a &lt; b &amp;&amp; c &gt; "d"`);
    assert.equal(markdownToHtml("<b>not bold</b> & co"), "&lt;b&gt;not bold&lt;/b&gt; &amp; co");
  });

  it("converts bold, italic, underline, strike, headings and bullets", () => {
    assert.equal(
      markdownToHtml("**bold** and *it* and _it2_ and __u__ and ~~s~~"),
      "<b>bold</b> and <i>it</i> and <i>it2</i> and <u>u</u> and <s>s</s>",
    );
    assert.equal(markdownToHtml("## Title\n* one\n- two"), "<b>Title</b>\n• one\n• two");
  });

  it("keeps code verbatim (escaped, no emphasis inside) with the language class", () => {
    assert.equal(markdownToHtml("run `a_b_c *x*` now"), "run <code>a_b_c *x*</code> now");
    assert.equal(
      markdownToHtml("```ts\nconst x = a < b && **c**;\n```"),
      '<pre><code class="language-ts">const x = a &lt; b &amp;&amp; **c**;</code></pre>',
    );
    assert.equal(markdownToHtml("```\nplain\n```"), "<pre><code>plain</code></pre>");
  });

  it("links only http(s) URLs, escaping the href; other schemes stay text", () => {
    assert.equal(
      markdownToHtml("[docs](https://x.dev/a_b_c?q=1&r=2)"),
      '<a href="https://x.dev/a_b_c?q=1&amp;r=2">docs</a>',
    );
    assert.equal(markdownToHtml("[click](javascript:alert(1))"), "[click](javascript:alert(1))");
  });

  it("leaves snake_case, lone stars and unbalanced markers as text", () => {
    assert.equal(markdownToHtml("snake_case_name and 2 * 3 * 4"), "snake_case_name and 2 * 3 * 4");
    assert.equal(markdownToHtml("**unclosed and `open"), "**unclosed and `open");
  });

  it("strips NUL so text cannot forge the code placeholders", () => {
    assert.equal(markdownToHtml("a\u00000\u0000b `c`"), "a0b <code>c</code>");
  });
});

describe("splitMessage", () => {
  const words = (n: number, w = "word") => Array.from({ length: n }, () => w).join(" ");

  it("returns short text unchanged", () => {
    assert.deepEqual(splitMessage("hello"), ["hello"]);
    assert.deepEqual(splitMessage("   "), []);
  });

  it("prefers paragraph boundaries, then lines, then words; every chunk fits", () => {
    const paras = [words(500, "alpha"), words(500, "beta"), words(500, "gamma")].join("\n\n");
    const chunks = splitMessage(paras);
    assert.ok(chunks.length >= 2);
    for (const c of chunks) assert.ok(c.length <= TELEGRAM_TEXT_LIMIT);
    assert.equal(chunks.join("\n\n"), paras);

    const lines = Array.from({ length: 300 }, (_, i) => `line ${i} ${words(5)}`).join("\n");
    const byLine = splitMessage(lines, 1000);
    for (const c of byLine) assert.ok(c.length <= 1000 && /^line \d+/.test(c) && /word$/.test(c));
    assert.equal(byLine.join("\n"), lines);

    const oneLine = words(800);
    const byWord = splitMessage(oneLine, 1000);
    for (const c of byWord) assert.ok(c.length <= 1000 && c.startsWith("word") && c.endsWith("word"));
    assert.equal(byWord.join(" "), oneLine);
  });

  it("hard-cuts text without spaces but never splits a surrogate pair", () => {
    const emoji = "😀".repeat(700); // 1400 UTF-16 units
    const chunks = splitMessage(emoji, 1001);
    for (const c of chunks) assert.ok(c.length <= 1001 && !/^[\udc00-\udfff]/.test(c) && !/[\ud800-\udbff]$/.test(c));
    assert.equal(chunks.join(""), emoji);
  });

  it("closes a code fence cut in two and reopens it in the next chunk", () => {
    const code = "```\n" + Array.from({ length: 200 }, (_, i) => `console.log(${i});`).join("\n") + "\n```";
    const chunks = splitMessage(code, 1000);
    assert.ok(chunks.length >= 3);
    for (const c of chunks) {
      assert.ok(c.length <= 1000);
      assert.equal((c.match(/```/g) ?? []).length % 2, 0, "balanced fences");
      assert.ok(markdownToHtml(c).startsWith("<pre><code>"));
    }
  });
});
