import type { HistoryMessage } from "../memory/types";
import type { LlmClient } from "./llm";
import type { TokenCounter } from "./tokens";

/**
 * Rolling summary of the history that no longer fits the prompt window. It is refreshed in
 * batches (not on every turn) so a long conversation costs one extra model call every few
 * messages, and stored per user (settings.summary / summaryUpTo) so the next turn reuses it.
 */

/** Refresh once at least this many messages have left the window since the last summary. */
export const SUMMARY_BATCH = 4;
/** Most tokens of new messages fed into one summary call (older ones beyond that are dropped). */
const SUMMARY_INPUT_TOKENS = 6000;
const SUMMARY_MAX_TOKENS = 400;

export const SUMMARY_INSTRUCTIONS =
  "You maintain a running summary of a conversation between a user and an AI companion. " +
  "Merge the new messages into the current summary. Keep facts about the user, their plans, " +
  "preferences and open questions; drop small talk. Write at most 150 words, third person, no preamble.";

/** Messages older than the window that the stored summary does not cover yet (ids sort by time). */
export function uncoveredMessages(
  history: HistoryMessage[],
  window: HistoryMessage[],
  summaryUpTo?: string,
): HistoryMessage[] {
  const firstInWindow = window[0]?.id;
  return history.filter(
    (m) =>
      (firstInWindow === undefined || m.id < firstInWindow) &&
      (!summaryUpTo || m.id > summaryUpTo) &&
      m.role !== "system",
  );
}

export function needsSummary(uncovered: HistoryMessage[]): boolean {
  return uncovered.length >= SUMMARY_BATCH;
}

function transcript(messages: HistoryMessage[], count: TokenCounter): string {
  const lines: string[] = [];
  let used = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    const line = `${m.role === "assistant" ? "Assistant" : "User"}: ${m.content}`;
    used += count(line);
    if (used > SUMMARY_INPUT_TOKENS && lines.length > 0) break;
    lines.unshift(line);
  }
  return lines.join("\n");
}

export async function summarize(input: {
  llm: LlmClient;
  model: string;
  previous?: string;
  messages: HistoryMessage[];
  count: TokenCounter;
  signal?: AbortSignal;
}): Promise<string> {
  const res = await input.llm.complete({
    model: input.model,
    maxTokens: SUMMARY_MAX_TOKENS,
    signal: input.signal,
    messages: [
      { role: "system", content: SUMMARY_INSTRUCTIONS },
      {
        role: "user",
        content: `Current summary:\n${input.previous || "(none yet)"}\n\nNew messages:\n${transcript(input.messages, input.count)}`,
      },
    ],
  });
  return res.text.trim();
}
