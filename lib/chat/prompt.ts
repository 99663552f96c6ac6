import type { HistoryMessage, MemoryHit } from "../memory/types";
import type { ChatMessage } from "./llm";
import { relativeDate } from "./relative-time";
import { TOKENS_PER_MESSAGE, TOKENS_PER_REPLY, type TokenCounter } from "./tokens";

export interface BuiltPrompt {
  messages: ChatMessage[];
  recalled: MemoryHit[];
  summary?: string;
  /** The "what you know about this user" block, when the profile had current facts. */
  profile?: string;
  window: HistoryMessage[];
  tokens: number;
}

const messageTokens = (count: TokenCounter, content: string) => count(content) + TOKENS_PER_MESSAGE;

/**
 * The newest messages that fit in `budget` tokens, oldest first. The newest message is always
 * kept (it is what the user just said), even when it alone is over budget.
 */
export function selectWindow(history: HistoryMessage[], budget: number, count: TokenCounter): HistoryMessage[] {
  const out: HistoryMessage[] = [];
  let used = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const m = history[i]!;
    if (m.role === "system") continue;
    const t = messageTokens(count, m.content);
    if (out.length > 0 && used + t > budget) break;
    used += t;
    out.unshift(m);
  }
  return out;
}

export function rememberedBlock(hits: MemoryHit[], now: Date): string {
  const lines = hits.map(
    (h) => `- (${relativeDate(h.ts, now)}) ${h.role === "assistant" ? "You said" : "User said"}: ${h.content}`,
  );
  return (
    "What you remember about this user (from earlier conversations; use it naturally when relevant, never recite it as a list):\n" +
    lines.join("\n")
  );
}

export function summaryBlock(summary: string): string {
  return `Summary of the earlier part of this conversation:\n${summary}`;
}

/** Persona (+ reply style), then the profile, remembered messages, the rolling summary, then (a quoted message and) the recent window. */
export function buildPrompt(input: {
  systemPrompt: string;
  /** Our instruction for the user's preferred reply style. */
  style?: string;
  profile?: string;
  recalled: MemoryHit[];
  summary?: string;
  window: HistoryMessage[];
  /** A message the user replied to that is not in the window (group replies). */
  quoted?: string;
  count: TokenCounter;
  now?: Date;
}): BuiltPrompt {
  const now = input.now ?? new Date();
  const persona = `${input.systemPrompt}${input.style ? `\n${input.style}` : ""}\nToday is ${now.toISOString().slice(0, 10)}.`;
  const messages: ChatMessage[] = [{ role: "system", content: persona }];
  if (input.profile) messages.push({ role: "system", content: input.profile });
  if (input.recalled.length > 0) messages.push({ role: "system", content: rememberedBlock(input.recalled, now) });
  if (input.summary) messages.push({ role: "system", content: summaryBlock(input.summary) });
  if (input.quoted) messages.push({ role: "assistant", content: input.quoted });
  for (const m of input.window)
    messages.push({ role: m.role === "assistant" ? "assistant" : "user", content: m.content });
  const tokens = messages.reduce((sum, m) => sum + messageTokens(input.count, m.content), TOKENS_PER_REPLY);
  return {
    messages,
    recalled: input.recalled,
    summary: input.summary,
    ...(input.profile ? { profile: input.profile } : {}),
    window: input.window,
    tokens,
  };
}
