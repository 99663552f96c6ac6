import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { tokenCounterFor } from "@/lib/chat/tokens";
import { SUMMARY_INSTRUCTIONS } from "@/lib/chat/summary";
import { resetDraftSupportForTests } from "@/lib/bot/stream";
import { createBotHarness, textsTo, type BotHarness } from "../helpers/bot-harness";
import { modelSkipReason, testEmbedder } from "../helpers/embedder";
import { testServers } from "../helpers/servers";
import { testUser, textUpdate } from "../helpers/telegram-updates";

/**
 * Conversation turns end to end (webhook → queue → bot → pipeline → fake OpenAI → fake
 * Telegram): the prompt the model receives, memory recall, the rolling summary, streaming,
 * splitting and formatting, usage accounting, and model failures.
 */

const server = testServers().available[0];
const noServer = server ? false : "no test Redis (REDIS7_URL etc. not set): run through npm test";
const BASE_ENV = { SYSTEM_PROMPT: "You are TestMate, a careful test companion.", CONTEXT_TOKENS: "3000" };

describe("bot conversation", { skip: noServer }, () => {
  let h: BotHarness;
  let nextUser = 920000;
  const say = async (userId: number, text: string) => {
    const res = await h.post(textUpdate(testUser(userId), text));
    assert.equal(res.status, 200);
    await h.settle();
  };

  before(async () => {
    h = await createBotHarness({ server: server!, env: BASE_ENV });
  });
  after(async () => h?.close());
  beforeEach(async () => {
    nextUser++;
    h.tg.reset();
    h.ai.reset();
    resetDraftSupportForTests();
  });
  afterEach(async () => h.reconfigure({}));

  it("sends persona, then the recent window; stores both messages and the token usage", async () => {
    const u = nextUser;
    await say(u, "Hello there");
    await say(u, "How are you today?");
    const req = h.ai.chatRequests().at(-1)!;
    assert.equal(req.model, "gpt-4o-mini");
    assert.equal(req.messages[0]!.role, "system");
    assert.match(req.messages[0]!.content, /^You are TestMate, a careful test companion\./);
    assert.deepEqual(
      req.messages.filter((m) => m.role !== "system").map((m) => [m.role, m.content]),
      [
        ["user", "Hello there"],
        ["assistant", "You said: Hello there"],
        ["user", "How are you today?"],
      ],
    );
    assert.deepEqual(textsTo(h.tg, u), ["You said: Hello there", "You said: How are you today?"]);
    const s = await h.memory.getSettings(u);
    // The fake reports prompt tokens = words of all prompt messages, completion = words of the reply.
    const words = (t: string) => t.split(/\s+/).filter(Boolean).length;
    const expectedPrompt = h.ai
      .chatRequests()
      .reduce((sum, r) => sum + words(r.messages.map((m) => m.content).join(" ")), 0);
    assert.equal(s.promptTokens, expectedPrompt);
    assert.equal(s.completionTokens, words("You said: Hello there") + words("You said: How are you today?"));
    assert.equal(s.messages, 4);
  });

  it(
    "personal mode: a fact from an earlier conversation is recalled into the prompt after /clear",
    { skip: modelSkipReason },
    async () => {
      const mh = await createBotHarness({ server: server!, env: BASE_ENV, embedder: testEmbedder() });
      try {
        const u = 929001;
        const sayTo = async (text: string) => {
          assert.equal((await mh.post(textUpdate(testUser(u), text))).status, 200);
          await mh.settle();
        };
        await sayTo("My dog is called Biscuit and he is a golden retriever who loves swimming.");
        await sayTo("I work as a nurse on night shifts at the city hospital.");
        await sayTo("/clear");
        assert.match(textsTo(mh.tg, u).at(-1)!, /long-term memories of you are kept/);
        mh.ai.reset();
        await sayTo("Can you suggest a good name for a second dog, to go with my first one?");

        const req = mh.ai.chatRequests().at(-1)!;
        const remembered = req.messages.find(
          (m) => m.role === "system" && m.content.startsWith("What you remember about this user"),
        );
        assert.ok(remembered, `no memory block in the prompt: ${JSON.stringify(req.messages)}`);
        assert.match(remembered.content, /My dog is called Biscuit/);
        assert.match(remembered.content, /\((just now|\d+ minutes? ago)\) User said: My dog is called Biscuit/);
        assert.ok(
          !remembered.content.includes("suggest a good name"),
          "the current message is in the window, not in the memory block",
        );
        // After /clear the window holds only the new question.
        assert.deepEqual(
          req.messages.filter((m) => m.role !== "system").map((m) => m.content),
          ["Can you suggest a good name for a second dog, to go with my first one?"],
        );
        const order = req.messages.map((m) => (m.role === "system" ? m.content.slice(0, 12) : m.role));
        assert.deepEqual(order, ["You are Test", "What you rem", "user"]);

        // Personal mode off: no recall in the next prompt.
        await sayTo("/personal");
        mh.ai.reset();
        await sayTo("Tell me about my dog again");
        assert.ok(
          !mh.ai
            .chatRequests()
            .at(-1)!
            .messages.some((m) => m.content.startsWith("What you remember")),
        );
      } finally {
        await mh.close();
      }
    },
  );

  it("rolling summary: history beyond CONTEXT_TOKENS is summarised by the model, stored per user and put into the prompt", async () => {
    await h.reconfigure({ CONTEXT_TOKENS: "256" });
    const u = nextUser;
    const filler =
      "and then we talked about gardens, tomatoes, rain, the river, old bicycles, the neighbours' cat, a trip to the mountains next spring, what to cook tonight and whether to repaint the kitchen";
    h.ai.reply = (b) =>
      b.messages[0]!.content === SUMMARY_INSTRUCTIONS
        ? `SUMMARY#${h.ai.chatRequests().length}: the user talks about gardens and cooking.`
        : `Noted: ${filler}.`;
    for (let i = 1; i <= 8; i++) await say(u, `Topic ${i}: ${filler}.`);

    const summaryCalls = h.ai.chatRequests().filter((b) => b.messages[0]!.content === SUMMARY_INSTRUCTIONS);
    assert.ok(
      summaryCalls.length >= 2,
      `the model was asked for a summary, then for an update (${summaryCalls.length} calls)`,
    );
    assert.match(
      summaryCalls[0]!.messages[1]!.content,
      /Current summary:\n\(none yet\)\n\nNew messages:\nUser: Topic 1:/,
    );
    // The refresh merges only the messages that left the window since, into the previous summary.
    assert.match(
      summaryCalls[1]!.messages[1]!.content,
      /^Current summary:\nSUMMARY#\d+: the user talks about gardens and cooking\.\n\nNew messages:\n/,
    );
    assert.ok(
      !summaryCalls[1]!.messages[1]!.content.includes("Topic 1:"),
      "already summarised messages are not sent again",
    );
    const s = await h.memory.getSettings(u);
    assert.match(s.summary ?? "", /^SUMMARY#\d+: the user talks about gardens and cooking\.$/);
    const history = await h.memory.getHistory(u, 100);
    assert.ok(s.summaryUpTo && history.some((m) => m.id === s.summaryUpTo), "summaryUpTo names a stored message");

    const last = h.ai
      .chatRequests()
      .filter((b) => b.messages[0]!.content !== SUMMARY_INSTRUCTIONS)
      .at(-1)!;
    const summaryMsg = last.messages.find((m) =>
      m.content.startsWith("Summary of the earlier part of this conversation:"),
    );
    assert.ok(summaryMsg, "the stored summary is in the prompt");
    assert.ok(summaryMsg.content.endsWith(s.summary!));
    const count = await tokenCounterFor("gpt-4o-mini");
    const windowTokens = last.messages
      .filter((m) => m.role !== "system")
      .reduce((sum, m) => sum + count(m.content) + 4, 0);
    assert.ok(windowTokens <= 256, `window ${windowTokens} tokens > CONTEXT_TOKENS`);
    assert.ok(
      last.messages.filter((m) => m.role !== "system").length < history.length,
      "older messages left the window",
    );
  });

  it("streams with sendMessageDraft (≥ 1 s apart), then sends the final message", async () => {
    const u = nextUser;
    await h.reconfigure({ LLM_TIMEOUT_MS: "20000" }); // the answer streams for ≈ 2.6 s: keep the deadline out of the way
    h.ai.chunkDelayMs = 120;
    h.ai.reply = () => "Streaming answer ".repeat(20).trim();
    await say(u, "stream please");
    const drafts = h.tg.callsOf("sendMessageDraft");
    assert.ok(drafts.length >= 2, `expected several drafts, got ${drafts.length}`);
    assert.equal(new Set(drafts.map((d) => d.params.draft_id)).size, 1, "one draft id per answer");
    for (let i = 1; i < drafts.length; i++)
      assert.ok(drafts[i]!.at - drafts[i - 1]!.at >= 990, "drafts throttled to one per second");
    assert.ok(String(drafts.at(-1)!.params.text).length > String(drafts[0]!.params.text).length, "the draft grows");
    assert.deepEqual(textsTo(h.tg, u), ["Streaming answer ".repeat(20).trim()]);
    assert.equal(h.tg.callsOf("editMessageText").length, 0);
  });

  it("falls back to throttled editMessageText when the Bot API has no sendMessageDraft", async () => {
    const u = nextUser;
    await h.reconfigure({ LLM_TIMEOUT_MS: "20000" }); // ≈ 2.8 s of streaming: keep the deadline out of the way
    h.tg.draftsSupported = false;
    h.ai.chunkDelayMs = 120;
    const answer = "Edited **answer** ".repeat(20).trim();
    h.ai.reply = () => answer;
    await say(u, "stream with edits");
    assert.equal(h.tg.callsOf("sendMessageDraft").length, 1, "tried once, then fell back");
    const sends = h.tg.callsOf("sendMessage");
    assert.equal(sends.length, 1, "one message, edited in place");
    assert.equal(sends[0]!.params.parse_mode, undefined, "previews are plain text");
    const edits = h.tg.callsOf("editMessageText");
    assert.ok(edits.length >= 2);
    for (let i = 1; i < edits.length; i++) assert.ok(edits[i]!.at - edits[i - 1]!.at >= 990, "edits ≥ 1 s apart");
    assert.ok(edits.every((e) => e.params.message_id === edits[0]!.params.message_id));
    const final = edits.at(-1)!;
    assert.equal(final.params.parse_mode, "HTML");
    assert.equal(final.params.text, "Edited <b>answer</b> ".repeat(20).trim());
    h.tg.reset();
    h.tg.draftsSupported = false;
    await say(u, "again");
    assert.equal(h.tg.callsOf("sendMessageDraft").length, 0, "the fallback is remembered");
  });

  it("splits a 10,000-character reply at paragraph boundaries into messages of at most 4096", async () => {
    const u = nextUser;
    const paragraphs = Array.from(
      { length: 12 },
      (_, i) => `Paragraph ${i + 1}. ` + "lorem ipsum dolor sit amet ".repeat(35).trim(),
    );
    const answer = paragraphs.join("\n\n");
    assert.ok(answer.length > 10_000);
    h.ai.reply = () => answer;
    await say(u, "tell me a long story");
    const texts = textsTo(h.tg, u);
    assert.equal(texts.length, 3);
    for (const t of texts) {
      assert.ok(t.length <= 4096, `chunk of ${t.length}`);
      assert.ok(/^Paragraph \d+\./.test(t) && t.endsWith("dolor sit amet"), "each chunk is whole paragraphs");
    }
    assert.equal(texts.join("\n\n"), answer);
  });

  it("escapes HTML; when Telegram rejects the entities it resends the same text as plain text", async () => {
    const u = nextUser;
    const answer = "Use **bold**, `a < b && c`, [docs](https://example.com/?a=1&b=2) and <script> tags";
    h.ai.reply = () => answer;
    h.tg.failNext("sendMessage", {
      code: 400,
      description: "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
      when: (p) => p.parse_mode === "HTML",
    });
    await say(u, "format something");
    const sends = h.tg.callsOf("sendMessage");
    assert.equal(sends.length, 2);
    assert.equal(sends[0]!.params.parse_mode, "HTML");
    assert.equal(
      sends[0]!.params.text,
      'Use <b>bold</b>, <code>a &lt; b &amp;&amp; c</code>, <a href="https://example.com/?a=1&amp;b=2">docs</a> and &lt;script&gt; tags',
    );
    assert.equal(sends[1]!.params.parse_mode, undefined);
    assert.equal(sends[1]!.params.text, answer);
  });

  it("edit fallback: a rejected HTML final edit is redone as plain text", async () => {
    const u = nextUser;
    h.tg.draftsSupported = false;
    const answer = "Some **bold** words";
    h.ai.reply = () => answer;
    h.tg.failNext("editMessageText", {
      code: 400,
      description: "Bad Request: can't parse entities: unsupported start tag",
      when: (p) => p.parse_mode === "HTML",
    });
    await say(u, "edit me");
    const edits = h.tg.callsOf("editMessageText");
    assert.equal(edits.at(-2)!.params.parse_mode, "HTML");
    assert.equal(edits.at(-1)!.params.parse_mode, undefined);
    assert.equal(edits.at(-1)!.params.text, answer);
  });

  it("Telegram 429 with retry_after: the auto-retry plugin waits and resends", async () => {
    const u = nextUser;
    h.tg.failNext("sendMessage", { code: 429, description: "Too Many Requests: retry after 1", retryAfter: 1 });
    await say(u, "busy day");
    const sends = h.tg.callsOf("sendMessage");
    assert.equal(sends.length, 2, "the first attempt was refused, the retry went through");
    assert.ok(sends[1]!.at - sends[0]!.at >= 950, "waited retry_after seconds");
    assert.deepEqual(
      sends.map((c) => c.params.text),
      ["You said: busy day", "You said: busy day"],
      "refused attempt, then the same message again",
    );
  });

  for (const c of [
    { name: "500", fail: () => h.ai.failNext(500, 5), apology: /internal error/ },
    { name: "429", fail: () => h.ai.failNext(429, 5), apology: /rate limiting/ },
  ]) {
    it(`LLM ${c.name}: a short apology naming the problem, no retry storm, nothing half-stored`, async () => {
      const u = nextUser;
      c.fail();
      await say(u, "are you ok?");
      assert.ok(h.ai.chatRequests().length <= 2, `at most one retry (got ${h.ai.chatRequests().length} calls)`);
      const texts = textsTo(h.tg, u);
      assert.equal(texts.length, 1);
      assert.match(texts[0]!, c.apology);
      const history = await h.memory.getHistory(u, 10);
      assert.deepEqual(
        history.map((m) => [m.role, m.content]),
        [["user", "are you ok?"]],
      );
      assert.equal((await h.memory.getSettings(u)).completionTokens, 0);
    });
  }

  it("LLM timeout: one deadline for the whole call (retries included), then an apology", async () => {
    await h.reconfigure({ LLM_TIMEOUT_MS: "1000" });
    const u = nextUser;
    h.ai.failNext("hang", 3);
    const started = Date.now();
    await say(u, "hello?");
    const took = Date.now() - started;
    assert.ok(took >= 1000 && took < 3000, `took ${took} ms`);
    assert.match(textsTo(h.tg, u)[0]!, /took too long/);
    assert.deepEqual(
      (await h.memory.getHistory(u, 10)).map((m) => m.role),
      ["user"],
    );
  });

  it("missing OPENAI_API_KEY: the user is told the AI is not configured; no model call", async () => {
    await h.reconfigure({ OPENAI_API_KEY: "" });
    const u = nextUser;
    await say(u, "hi");
    assert.equal(h.ai.chatRequests().length, 0);
    assert.match(textsTo(h.tg, u)[0]!, /isn't configured/);
    assert.deepEqual(
      (await h.memory.getHistory(u, 10)).map((m) => m.role),
      ["user"],
    );
  });
});
