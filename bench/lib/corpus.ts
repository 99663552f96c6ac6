/**
 * Deterministic, realistic-looking companion-chat messages for benchmarks (no dataset needed,
 * so `npm run bench` works from a fresh clone). User turns are short (≈ 30–160 chars), assistant
 * turns longer (≈ 150–600 chars), like a chat with an LLM companion.
 */

import { prng as rng } from "../../tests/helpers/vectors";

/** The seedable PRNG shared with the engine tests: benchmark runs must be reproducible. */
export { rng };

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const people = [
  "my sister",
  "my boss",
  "Anna",
  "my dad",
  "Tom",
  "my roommate",
  "grandma",
  "Lena",
  "my therapist",
  "the neighbour",
  "Marco",
  "my best friend",
];
const places = [
  "Lisbon",
  "the office",
  "the gym",
  "Berlin",
  "the lake house",
  "my parents' place",
  "the new cafe downtown",
  "Kyoto",
  "the library",
  "the hospital",
];
const things = [
  "marathon training",
  "the job interview",
  "my sourdough starter",
  "learning Spanish",
  "the guitar",
  "my cat Mochi",
  "the garden",
  "the thesis",
  "a new apartment",
  "the budget spreadsheet",
  "my sleep schedule",
  "the road trip",
  "the pottery class",
  "chess openings",
  "the dentist appointment",
];
const feelings = [
  "anxious",
  "excited",
  "tired",
  "proud",
  "a bit lost",
  "really happy",
  "frustrated",
  "nervous",
  "calm",
  "overwhelmed",
];
const times = [
  "yesterday",
  "last weekend",
  "this morning",
  "on Friday",
  "two weeks ago",
  "tonight",
  "last summer",
  "next month",
];

const userTemplates: ((r: () => number) => string)[] = [
  (r) => `I talked to ${pick(r, people)} about ${pick(r, things)} ${pick(r, times)}.`,
  (r) => `Feeling ${pick(r, feelings)} about ${pick(r, things)} today, not sure why.`,
  (r) => `Do you remember what I told you about ${pick(r, things)}?`,
  (r) => `We're going to ${pick(r, places)} ${pick(r, times)}! Any tips?`,
  (r) => `${pick(r, people)} said I should give up on ${pick(r, things)}. What do you think?`,
  (r) => `Quick update: ${pick(r, things)} is going better than expected, I feel ${pick(r, feelings)}.`,
  (r) =>
    `Can you help me plan ${pick(r, things)} for ${pick(r, times)}? I keep putting it off and ${pick(r, people)} keeps asking.`,
  (r) => `ugh, ${pick(r, times)} at ${pick(r, places)} was a disaster`,
  (r) => `What was the name of the place I liked in ${pick(r, places)}?`,
  (r) => `I finally finished ${pick(r, things)}. Took me forever but I'm ${pick(r, feelings)}.`,
];

const assistantTemplates: ((r: () => number) => string)[] = [
  (r) =>
    `That sounds like a lot to carry. When you talked with ${pick(r, people)} about ${pick(r, things)}, how did it leave you feeling? It's completely okay to feel ${pick(r, feelings)} after a conversation like that, especially when it touches something you care about. Maybe we can break it into one small step for ${pick(r, times)}.`,
  (r) =>
    `I'm really glad to hear that ${pick(r, things)} is moving forward! Last time you mentioned ${pick(r, places)}, you said it helped you reset. A few ideas: keep sessions short, write down one thing that went well each day, and tell ${pick(r, people)} what kind of support actually helps you.`,
  (r) =>
    `Yes, I remember: you told me about ${pick(r, things)} and that ${pick(r, people)} had an opinion on it. You seemed ${pick(r, feelings)} then. Has anything changed since ${pick(r, times)}? I'm happy to think it through with you again.`,
  (r) =>
    `For ${pick(r, places)}, I'd suggest going early before it gets busy, bringing a light jacket, and leaving one afternoon unplanned. You said you tend to over-schedule trips and come back ${pick(r, feelings)}, so a slower pace might make it more fun. Want me to sketch a simple day-by-day plan around ${pick(r, things)} too?`,
  (r) =>
    `It makes sense to feel ${pick(r, feelings)}. Progress on ${pick(r, things)} is rarely a straight line. What would "good enough" look like for ${pick(r, times)}? Sometimes naming a small, concrete goal takes a lot of the pressure off.`,
  (r) =>
    `Congratulations! Finishing ${pick(r, things)} is a big deal, and you stuck with it even when ${pick(r, people)} doubted it. How are you going to celebrate? Maybe that dinner at ${pick(r, places)} you kept mentioning?`,
];

/** Small concrete details (numbers, times) that make texts near-unique, as real chats are. */
const details: ((r: () => number) => string)[] = [
  (r) => ` It took about ${5 + Math.floor(r() * 115)} minutes.`,
  (r) => ` That was around ${1 + Math.floor(r() * 12)}${r() < 0.5 ? "am" : "pm"}.`,
  (r) => ` Day ${1 + Math.floor(r() * 90)} of trying.`,
  (r) => ` Costs ${10 + Math.floor(r() * 490)} euros, by the way.`,
  (r) => ` ${["Honestly", "Anyway", "Also", "Btw"][Math.floor(r() * 4)]}, I slept ${4 + Math.floor(r() * 6)} hours.`,
  () => "",
];

const closings: ((r: () => number) => string)[] = [
  (r) => ` I'll ask you about it again in ${2 + Math.floor(r() * 12)} days.`,
  (r) => ` Even ${5 + Math.floor(r() * 25)} minutes a day counts.`,
  (r) => ` You've mentioned this ${2 + Math.floor(r() * 9)} times now, so it clearly matters to you.`,
  (r) =>
    ` Step ${1 + Math.floor(r() * 5)} could be the easiest one: ${pick(r, ["write it down", "ask for help", "take a walk first", "set a timer", "tell someone"])}.`,
  () => "",
];

export interface CorpusMessage {
  role: "user" | "assistant";
  content: string;
}

/** `n` messages alternating user / assistant, reproducible for a seed. */
export function conversation(n: number, seed = 42): CorpusMessage[] {
  const r = rng(seed);
  const out: CorpusMessage[] = [];
  for (let i = 0; i < n; i++) {
    const role = i % 2 === 0 ? "user" : "assistant";
    const base = pick(r, role === "user" ? userTemplates : assistantTemplates)(r);
    out.push({ role, content: base + pick(r, role === "user" ? details : closings)(r) });
  }
  return out;
}

/** Short search queries a bot would run (the user's new message). */
export function queries(n: number, seed = 7): string[] {
  const r = rng(seed);
  const forms = [
    (x: () => number) => `what did I say about ${pick(x, things)}`,
    (x: () => number) => `${pick(x, people)} and ${pick(x, things)}`,
    (x: () => number) => `trip to ${pick(x, places)}`,
    (x: () => number) => `feeling ${pick(x, feelings)} ${pick(x, times)}`,
  ];
  return Array.from({ length: n }, () => pick(r, forms)(r));
}

/** Distinct sentences used as anchors for precomputed vectors (embedded once). */
export function anchorSentences(n: number, seed = 1): string[] {
  const seen = new Set<string>();
  const all = [...conversation(n * 4, seed).map((m) => m.content), ...queries(n, seed + 1)];
  for (const s of all) {
    seen.add(s);
    if (seen.size >= n) break;
  }
  return [...seen];
}
