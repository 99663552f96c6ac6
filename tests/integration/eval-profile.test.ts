import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { createOpenAiLlm } from "@/lib/chat/llm";
import { loadConfig } from "@/lib/config";
import { loadConversations } from "@/scripts/locomo/dataset";
import { runProfileCheck } from "@/scripts/locomo/profile-check";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-api";
import { testMemory } from "../helpers/memory";
import { deletePrefix, rawClient, testServers, uniquePrefix } from "../helpers/servers";

/**
 * The optional LoCoMo profile check (npm run eval:profile) on a small conversation in the
 * LoCoMo file format, with the fake OpenAI server answering the extractor: extraction runs on
 * the bot's schedule, facts map back to dialogue ids, coverage is counted per category.
 */

const server = testServers().available[0];
const skip = server ? false : "no test Redis (run through npm test)";

const CONVERSATION = {
  conversation: {
    speaker_a: "Mia",
    speaker_b: "Tom",
    session_1_date_time: "1:56 pm on 8 May, 2023",
    session_1: [
      { speaker: "Mia", dia_id: "D1:1", text: "I adopted a dog called Rex last week!" },
      { speaker: "Tom", dia_id: "D1:2", text: "Congrats! What breed?" },
      { speaker: "Mia", dia_id: "D1:3", text: "A beagle. We walk by the river every morning." },
      { speaker: "Tom", dia_id: "D1:4", text: "I am training for a marathon myself." },
    ],
  },
  qa: [
    { question: "What is the name of Mia's dog?", evidence: ["D1:1"], category: 4 },
    { question: "Where does Mia walk?", evidence: ["D1:3"], category: 1 },
    { question: "What is Tom training for?", evidence: ["D1:4"], category: 4 },
  ],
};

describe("LoCoMo profile check", { skip }, () => {
  let raw: Redis;
  let ai: FakeOpenAI;
  const prefix = uniquePrefix("eval-profile");
  before(async () => {
    raw = rawClient(server!.url);
    ai = await startFakeOpenAI();
  });
  after(async () => {
    await deletePrefix(raw, prefix);
    raw.disconnect();
    await ai.close();
  });

  it("replays the conversation as the bot would and reports which questions the profile covers", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "locomo-"));
    writeFileSync(path.join(dir, "conv-test.json"), JSON.stringify(CONVERSATION));
    ai.structured = (b) => {
      const line = /^\[(\d+)\] User: I adopted a dog called Rex/m.exec(b.messages.at(-1)!.content);
      return JSON.stringify({
        facts: line
          ? [{ category: "family", text: "Has a beagle named Rex", sources: [Number(line[1])], replaces: null }]
          : [],
      });
    };
    const memory = await testMemory(server!, raw, prefix);
    const llm = createOpenAiLlm(loadConfig({ OPENAI_API_KEY: "sk-fake", OPENAI_BASE_URL: ai.baseURL }).llm);
    const result = await runProfileCheck({
      memory,
      llm,
      model: "gpt-4o-mini",
      everyTurns: 2,
      conversations: loadConversations(dir),
    });
    memory.close();

    assert.equal(
      ai.structuredRequests().length,
      1,
      "one run after 2 user turns; the final run finds no new user message and calls nothing",
    );
    assert.equal(result.facts, 1);
    assert.equal(result.questions, 2, "Tom's question has no user evidence and is not counted");
    assert.equal(result.covered, 1);
    assert.deepEqual(result.byCategory, {
      "4": { n: 1, covered: 1, coverage: 1 },
      "1": { n: 1, covered: 0, coverage: 0 },
    });
    assert.equal(result.coverage, 0.5);
  });
});
