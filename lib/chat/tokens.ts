import { Tiktoken, type TiktokenBPE } from "js-tiktoken/lite";

/**
 * Real BPE token counts for prompt budgeting (characters/4 is off by 2x for code and non-Latin
 * text). gpt-4o / gpt-4.1 / o-series / gpt-5 use o200k_base; older OpenAI models (and unknown
 * compatible models, as a close-enough estimate) use cl100k_base. The rank tables are large,
 * so each is imported on first use only.
 */

export type EncodingName = "o200k_base" | "cl100k_base";
export type TokenCounter = (text: string) => number;

export function encodingForModel(model: string): EncodingName {
  const name = model.toLowerCase().split("/").pop() ?? "";
  return /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o\d|chatgpt-4o)/.test(name) ? "o200k_base" : "cl100k_base";
}

const encoders = new Map<EncodingName, Promise<Tiktoken>>();

async function loadRanks(name: EncodingName): Promise<TiktokenBPE> {
  const mod =
    name === "o200k_base"
      ? await import("js-tiktoken/ranks/o200k_base")
      : await import("js-tiktoken/ranks/cl100k_base");
  return mod.default;
}

export async function tokenCounterFor(model: string): Promise<TokenCounter> {
  const name = encodingForModel(model);
  let enc = encoders.get(name);
  if (!enc) {
    enc = loadRanks(name).then((ranks) => new Tiktoken(ranks));
    encoders.set(name, enc);
  }
  const tiktoken = await enc;
  return (text) => countTokens(tiktoken, text);
}

/**
 * js-tiktoken's BPE merge is quadratic in the length of one pre-token: 4000 characters without a
 * space ("xxxx…", a pasted hash) took ~8 s per count and blocked the event loop, and any chat
 * user can send that. Runs longer than LONG_RUN characters are counted in LONG_RUN-sized
 * pieces; a cut can split a token, so such a run overcounts by a token or two per piece (a
 * safe direction for a prompt budget), and ordinary text counts exactly as before.
 */
const LONG_RUN = 64;
const LONG_RUNS = new RegExp(`\\S{${LONG_RUN + 1},}`, "g");

function countTokens(tiktoken: Tiktoken, text: string): number {
  let n = 0;
  let last = 0;
  for (const m of text.matchAll(LONG_RUNS)) {
    n += tiktoken.encode(text.slice(last, m.index)).length;
    for (let i = 0; i < m[0].length; i += LONG_RUN) n += tiktoken.encode(m[0].slice(i, i + LONG_RUN)).length;
    last = m.index + m[0].length;
  }
  return n + tiktoken.encode(text.slice(last)).length;
}

/** Chat-format overhead per message (role + separators), as in OpenAI's counting recipe. */
export const TOKENS_PER_MESSAGE = 4;
/** Every reply is primed with a few tokens. */
export const TOKENS_PER_REPLY = 3;
