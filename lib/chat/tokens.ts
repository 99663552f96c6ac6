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
  const mod = name === "o200k_base" ? await import("js-tiktoken/ranks/o200k_base") : await import("js-tiktoken/ranks/cl100k_base");
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
  return (text) => tiktoken.encode(text).length;
}

/** Chat-format overhead per message (role + separators), as in OpenAI's counting recipe. */
export const TOKENS_PER_MESSAGE = 4;
/** Every reply is primed with a few tokens. */
export const TOKENS_PER_REPLY = 3;
