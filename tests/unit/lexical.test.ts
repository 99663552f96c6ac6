import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bm25Search, contentWords, queryTerms, stem, tokenize } from "@/lib/memory/lexical";

describe("lexical tokenizer", () => {
  it("lowercases, splits on anything that is not a letter or digit, drops stopwords", () => {
    assert.deepEqual(tokenize("The QUICK brown-fox, (jumps) over: 3 dogs!"), [
      "quick",
      "brown",
      "fox",
      "jump",
      "over",
      "3",
      "dog",
    ]);
  });

  it("is Unicode-aware (accents, CJK, Cyrillic) and normalises NFKC", () => {
    assert.deepEqual(contentWords("Café ÜBER naïve Привет 日本語"), ["café", "über", "naïve", "привет", "日本語"]);
    assert.deepEqual(contentWords("ｆｕｌｌｗｉｄｔｈ"), ["fullwidth"]);
  });

  it("drops possessive and contraction tails", () => {
    assert.deepEqual(contentWords("Melanie's kids won't"), ["melanie", "kids", "won"]);
  });

  it("stems lightly and never below three letters", () => {
    assert.equal(stem("parties"), "party");
    assert.equal(stem("painting"), "paint");
    assert.equal(stem("running"), "run");
    assert.equal(stem("painted"), "paint");
    assert.equal(stem("classes"), "class");
    assert.equal(stem("gas"), "gas");
    assert.equal(stem("bus"), "bus");
    assert.equal(stem("2023s"), "2023s");
    assert.equal(stem(tokenize("paintings")[0]!), stem("painting"), "plural and singular meet");
  });

  it("query terms are distinct, in order; punctuation-only text gives none", () => {
    assert.deepEqual(queryTerms("cake, Cake! cakes?"), ["cake"]);
    assert.deepEqual(queryTerms(`@user:{1} | -* "" => [] $`), ["user", "1"]);
    assert.deepEqual(queryTerms("!!! ??? ..."), []);
  });
});

describe("bm25Search", () => {
  const docs = [
    { item: "a", text: "I love coffee in the morning" },
    { item: "b", text: "coffee coffee coffee every day" },
    { item: "c", text: "we saw a zebra at the zoo" },
    { item: "d", text: "tea and biscuits" },
  ];

  it("ranks rarer terms higher and finds exact words", () => {
    const hits = bm25Search("coffee zebra", docs, 10);
    assert.equal(hits[0]!.item, "c", "zebra (df 1) beats coffee (df 2)");
    assert.deepEqual(new Set(hits.map((h) => h.item)), new Set(["a", "b", "c"]));
    assert.ok(hits.every((h) => h.score > 0));
  });

  it("term frequency saturates but still helps", () => {
    const hits = bm25Search("coffee", docs, 10);
    assert.equal(hits[0]!.item, "b");
    assert.ok(hits[0]!.score < 2 * hits[1]!.score, "three occurrences are not worth three times one");
  });

  it("returns nothing for no match, stopwords only, k 0 or no docs", () => {
    assert.deepEqual(bm25Search("pineapple", docs, 5), []);
    assert.deepEqual(bm25Search("the and of", docs, 5), []);
    assert.deepEqual(bm25Search("coffee", docs, 0), []);
    assert.deepEqual(bm25Search("coffee", [], 5), []);
  });

  it("matches the textbook BM25 value", () => {
    // one doc of two matching docs among four: idf = ln(1 + (4 - 2 + 0.5) / (2 + 0.5)) = ln 2
    const [hit] = bm25Search(
      "zebra",
      [
        { item: 1, text: "zebra x" },
        { item: 2, text: "zebra y" },
        { item: 3, text: "p q" },
        { item: 4, text: "r s" },
      ],
      1,
    );
    // tf 1, length = avg → tf part = (1 * 2.2) / (1 + 1.2) = 1
    assert.ok(Math.abs(hit!.score - Math.log(2)) < 1e-9, String(hit!.score));
  });
});
