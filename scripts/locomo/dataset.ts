import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** LoCoMo conversations (snap-research/locomo): one file = one conversation = one user. */

const turnSchema = z.object({
  speaker: z.string(),
  dia_id: z.string(),
  text: z.string(),
  blip_caption: z.string().optional(),
});
const qaSchema = z.object({
  question: z.string(),
  evidence: z.array(z.string()).default([]),
  category: z.coerce.number().int(),
});

export interface LocomoTurn {
  diaId: string;
  content: string;
  ts: number;
  speaker: string;
  /** Session number (D<session>:<i>); turns of one session are one sitting of the chat. */
  session: number;
}
export interface LocomoQuestion {
  question: string;
  evidence: string[];
  category: number;
}
export interface LocomoConversation {
  name: string;
  turns: LocomoTurn[];
  questions: LocomoQuestion[];
}

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

/** "1:56 pm on 8 May, 2023" → ms; undefined when the format is unexpected. */
export function parseSessionDate(s: unknown): number | undefined {
  const m = typeof s === "string" ? s.match(/(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+(\w+),?\s+(\d{4})/i) : null;
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[5]!.toLowerCase());
  if (month < 0) return undefined;
  const hour = (Number(m[1]) % 12) + (m[3]!.toLowerCase() === "pm" ? 12 : 0);
  return Date.UTC(Number(m[6]), month, Number(m[4]), hour, Number(m[2]));
}

/**
 * Evidence ids as the annotators wrote them, cleaned: "D8:6; D9:17" → two ids, "D:11:26" →
 * D11:26, a bare "D" is dropped. Questions left without evidence are not scored.
 */
export function normalizeEvidence(evidence: string[]): string[] {
  const out = new Set<string>();
  for (const raw of evidence) {
    for (const part of raw.split(/[;,\s]+/)) {
      const id = part.replace(/^D:(\d+):(\d+)$/, "D$1:$2");
      if (/^D\d+:\d+$/.test(id)) out.add(id);
    }
  }
  return [...out];
}

export function turnContent(t: z.infer<typeof turnSchema>): string {
  return `${t.speaker}: ${t.text}` + (t.blip_caption ? ` [image: ${t.blip_caption}]` : "");
}

export function loadConversation(file: string): LocomoConversation {
  const raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  const conv = (raw.conversation ?? raw) as Record<string, unknown>;
  const sessions = Object.keys(conv)
    .map((k) => k.match(/^session_(\d+)$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  const turns: LocomoTurn[] = [];
  for (const n of sessions) {
    // sessions without a parsable date are placed a day apart so order still holds
    const start = parseSessionDate(conv[`session_${n}_date_time`]) ?? Date.UTC(2020, 0, 1) + n * 86_400_000;
    z.array(turnSchema)
      .parse(conv[`session_${n}`])
      .forEach((t, i) => {
        turns.push({ diaId: t.dia_id, content: turnContent(t), ts: start + i * 1000, speaker: t.speaker, session: n });
      });
  }
  const questions = z
    .array(qaSchema)
    .parse(raw.qa ?? [])
    .map((q) => ({ question: q.question, evidence: normalizeEvidence(q.evidence), category: q.category }))
    .filter((q) => q.evidence.length > 0);
  return { name: path.basename(file, ".json"), turns, questions };
}

/** Every *.json conversation in a folder (or one file), sorted by name. */
export function loadConversations(dirOrFile: string, only?: string[]): LocomoConversation[] {
  const files = dirOrFile.endsWith(".json")
    ? [dirOrFile]
    : readdirSync(dirOrFile)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => path.join(dirOrFile, f));
  return files.filter((f) => !only?.length || only.includes(path.basename(f, ".json"))).map(loadConversation);
}
