import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { APIConnectionTimeoutError, InternalServerError, RateLimitError } from "openai";
import { apologyFor, classifyLlmError, llmFailureKind } from "@/lib/chat/llm-errors";
import { modelFor } from "@/lib/chat/pipeline";
import { buildPrompt, selectWindow } from "@/lib/chat/prompt";
import { relativeDate } from "@/lib/chat/relative-time";
import { needsSummary, SUMMARY_BATCH, uncoveredMessages } from "@/lib/chat/summary";
import { encodingForModel, tokenCounterFor } from "@/lib/chat/tokens";
import { loadConfig } from "@/lib/config";
import type { HistoryMessage, MemoryHit, UserSettings } from "@/lib/memory/types";

const msg = (
  i: number,
  content: string,
  role: "user" | "assistant" = i % 2 ? "assistant" : "user",
): HistoryMessage => ({
  id: `m${String(i).padStart(4, "0")}`,
  role,
  content,
  ts: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
});

describe("tokens", () => {
  it("picks the tokenizer by model family", () => {
    assert.equal(encodingForModel("gpt-4o-mini"), "o200k_base");
    assert.equal(encodingForModel("gpt-4.1"), "o200k_base");
    assert.equal(encodingForModel("openai/o3-mini"), "o200k_base");
    assert.equal(encodingForModel("gpt-3.5-turbo"), "cl100k_base");
    assert.equal(encodingForModel("llama3:8b"), "cl100k_base");
  });

  it("counts real BPE tokens, not characters/4", async () => {
    const o200k = await tokenCounterFor("gpt-4o");
    const cl100k = await tokenCounterFor("gpt-4");
    assert.equal(o200k("hello world"), 2);
    assert.equal(cl100k("hello world"), 2);
    const japanese = "こんにちは、今日はいい天気ですね。散歩に行きましょうか。";
    assert.notEqual(o200k(japanese), Math.ceil(japanese.length / 4));
    assert.ok(o200k(japanese) < cl100k(japanese), "o200k is denser for Japanese");
  });
});

describe("prompt building", () => {
  it("selectWindow keeps the newest messages within the budget, oldest first, always the newest", async () => {
    const count = await tokenCounterFor("gpt-4o-mini");
    const history = Array.from({ length: 10 }, (_, i) => msg(i, `message number ${i} ${"filler ".repeat(10)}`));
    const per = count(history[0]!.content) + 4;
    const window = selectWindow(history, per * 3, count);
    assert.deepEqual(
      window.map((m) => m.id),
      ["m0007", "m0008", "m0009"],
    );
    assert.deepEqual(
      selectWindow(history, 1, count).map((m) => m.id),
      ["m0009"],
    );
  });

  it("buildPrompt orders persona, memories (with relative dates), summary, quoted, window; counts tokens", async () => {
    const count = await tokenCounterFor("gpt-4o-mini");
    const now = new Date("2025-03-10T12:00:00Z");
    const recalled: MemoryHit[] = [
      { id: "x", userId: 1, role: "user", content: "I have a dog called Rex", ts: "2025-03-07T12:00:00Z", score: 0.8 },
    ];
    const p = buildPrompt({
      systemPrompt: "Persona.",
      recalled,
      summary: "They like dogs.",
      window: [msg(2, "hi", "user")],
      quoted: "Earlier",
      count,
      now,
    });
    assert.deepEqual(
      p.messages.map((m) => m.role),
      ["system", "system", "system", "assistant", "user"],
    );
    assert.equal(p.messages[0]!.content, "Persona.\nToday is 2025-03-10.");
    assert.match(
      p.messages[1]!.content,
      /^What you remember about this user[^\n]*\n- \(3 days ago\) User said: I have a dog called Rex$/,
    );
    assert.equal(p.messages[2]!.content, "Summary of the earlier part of this conversation:\nThey like dogs.");
    assert.equal(
      p.tokens,
      p.messages.reduce((s, m) => s + count(m.content) + 4, 3),
    );
    const bare = buildPrompt({ systemPrompt: "P", recalled: [], window: [msg(1, "x", "user")], count, now });
    assert.equal(bare.messages.length, 2);
  });

  it("relativeDate speaks like a person", () => {
    const now = new Date("2025-03-10T12:00:00Z");
    assert.equal(relativeDate("2025-03-10T11:59:50Z", now), "just now");
    assert.equal(relativeDate("2025-03-10T11:55:00Z", now), "5 minutes ago");
    assert.equal(relativeDate("2025-03-09T12:00:00Z", now), "yesterday");
    assert.equal(relativeDate("2025-03-07T12:00:00Z", now), "3 days ago");
    assert.equal(relativeDate("2024-01-01T00:00:00Z", now), "last year");
    assert.equal(relativeDate("garbage", now), "some time ago");
  });

  it("the summary covers messages older than the window, in batches", () => {
    const history = Array.from({ length: 12 }, (_, i) => msg(i, `m${i}`));
    const window = history.slice(8);
    assert.deepEqual(
      uncoveredMessages(history, window).map((m) => m.id),
      ["m0000", "m0001", "m0002", "m0003", "m0004", "m0005", "m0006", "m0007"],
    );
    assert.deepEqual(
      uncoveredMessages(history, window, "m0005").map((m) => m.id),
      ["m0006", "m0007"],
    );
    assert.equal(needsSummary(uncoveredMessages(history, window, "m0005")), false);
    assert.equal(needsSummary(history.slice(0, SUMMARY_BATCH)), true);
  });

  it("modelFor falls back to the default when the stored model is no longer allowed", () => {
    const config = loadConfig({ ALLOWED_MODELS: "gpt-4o-mini,gpt-4.1" });
    const s = (model?: string) =>
      ({ model, personal: true, messages: 0, promptTokens: 0, completionTokens: 0 }) as UserSettings;
    assert.equal(modelFor(s("gpt-4.1"), config), "gpt-4.1");
    assert.equal(modelFor(s("gpt-3"), config), "gpt-4o-mini");
    assert.equal(modelFor(s(), config), "gpt-4o-mini");
  });
});

describe("LLM errors", () => {
  const ctx = { model: "m", deadlineHit: false, timeoutMs: 1000 };
  it("maps SDK errors to kinds with typed codes and apologies that name the problem", () => {
    const rate = classifyLlmError(new RateLimitError(429, undefined, "slow down", new Headers()), ctx);
    assert.equal(rate.code, "rate_limit:llm");
    assert.equal(llmFailureKind(rate), "rate_limit");
    const server = classifyLlmError(new InternalServerError(503, undefined, "down", new Headers()), ctx);
    assert.equal(llmFailureKind(server), "server");
    assert.equal(llmFailureKind(classifyLlmError(new APIConnectionTimeoutError(), ctx)), "timeout");
    assert.equal(llmFailureKind(classifyLlmError(new Error("aborted"), { ...ctx, deadlineHit: true })), "timeout");
    assert.equal(llmFailureKind(new Error("not an llm error")), undefined);
    assert.match(apologyFor("timeout"), /took too long/);
    assert.match(apologyFor("missing_key"), /isn't configured/);
    assert.match(apologyFor("rate_limit"), /rate limiting/);
  });
});
