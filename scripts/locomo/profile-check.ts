import type { LlmClient } from "@/lib/chat/llm";
import { currentFacts } from "@/lib/chat/profile/block";
import { maybeUpdateProfile } from "@/lib/chat/profile/update";
import type { Memory } from "@/lib/memory/types";
import type { LocomoConversation } from "./dataset";

/**
 * Does the profile hold what LoCoMo asks about? Each conversation is replayed turn by turn the
 * way the bot stores a chat — its first speaker as the user, the other as the assistant — with
 * profile extraction on the bot's schedule (every `everyTurns` user turns, through the same
 * maybeUpdateProfile). Then, for every question whose evidence includes a user turn, it checks
 * whether a current profile fact was learnt from an evidence turn ("covered"). Retrieval
 * itself is unchanged by the profile (it only adds a prompt block), so this measures what the
 * profile adds on top of recall, per category. Needs a real chat model endpoint.
 */

export interface ProfileCheckOptions {
  memory: Memory;
  llm: LlmClient;
  model: string;
  everyTurns: number;
  conversations: LocomoConversation[];
  /** First user id to use (one per conversation). */
  firstUserId?: number;
  progress?: (line: string) => void;
}

export interface ProfileCheckResult {
  conversations: number;
  facts: number;
  /** Questions with at least one evidence turn spoken by the user. */
  questions: number;
  covered: number;
  coverage: number;
  byCategory: Record<string, { n: number; covered: number; coverage: number }>;
}

const ratio = (a: number, b: number) => Math.round((a / Math.max(1, b)) * 1000) / 1000;

/** "Caroline: I went to…" → ["Caroline", "I went to…"] (dataset.ts writes turns that way). */
function splitSpeaker(content: string): [string, string] {
  const at = content.indexOf(": ");
  return at > 0 ? [content.slice(0, at), content.slice(at + 2)] : ["", content];
}

export async function runProfileCheck(o: ProfileCheckOptions): Promise<ProfileCheckResult> {
  const deps = { memory: o.memory, llm: o.llm, config: { profile: { enabled: true, everyTurns: o.everyTurns } } };
  const result: ProfileCheckResult = {
    conversations: o.conversations.length,
    facts: 0,
    questions: 0,
    covered: 0,
    coverage: 0,
    byCategory: {},
  };
  for (const [ci, conv] of o.conversations.entries()) {
    const userId = (o.firstUserId ?? 910_000_001) + ci;
    const userSpeaker = splitSpeaker(conv.turns[0]?.content ?? "")[0];
    const diaOf = new Map<string, string>();
    const userTurns = new Set<string>();
    for (const t of conv.turns) {
      const [speaker, text] = splitSpeaker(t.content);
      const role = speaker === userSpeaker ? "user" : "assistant";
      const stored = await o.memory.appendMessage({ userId, role, content: text, at: new Date(t.ts) });
      diaOf.set(stored.id, t.diaId);
      if (role === "user") {
        userTurns.add(t.diaId);
        await maybeUpdateProfile(deps, userId, o.model);
      }
    }
    await maybeUpdateProfile(deps, userId, o.model, { force: true });
    const facts = currentFacts((await o.memory.getProfile(userId)).facts);
    result.facts += facts.length;
    const learntFrom = new Set(facts.flatMap((f) => f.sources.map((id) => diaOf.get(id) ?? "")));
    for (const q of conv.questions) {
      if (!q.evidence.some((e) => userTurns.has(e))) continue;
      const cat = (result.byCategory[String(q.category)] ??= { n: 0, covered: 0, coverage: 0 });
      const hit = q.evidence.some((e) => learntFrom.has(e));
      cat.n += 1;
      result.questions += 1;
      if (hit) {
        cat.covered += 1;
        result.covered += 1;
      }
    }
    o.progress?.(`${conv.name}: ${facts.length} facts, ${result.covered}/${result.questions} questions covered so far`);
  }
  result.coverage = ratio(result.covered, result.questions);
  for (const c of Object.values(result.byCategory)) c.coverage = ratio(c.covered, c.n);
  return result;
}
