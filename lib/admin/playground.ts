import { runTurn, type BuiltPrompt } from "../chat/pipeline";
import { getChatDeps } from "../app";
import { getConfig } from "../config";
import { AppError } from "../errors";

export interface PlaygroundTurn {
  reply: string;
  model: string;
  prompt: BuiltPrompt;
  usage?: { promptTokens: number; completionTokens: number };
  userMessageId: string;
  replyMessageId: string;
  tookMs: number;
}

/** Why the playground cannot answer, or undefined when it can. */
export function playgroundUnavailable(): string | undefined {
  return getConfig().llm.apiKey
    ? undefined
    : "OPENAI_API_KEY is not set, so no model can answer. Set it (and OPENAI_BASE_URL for an OpenAI-compatible server) and restart.";
}

/** One turn through exactly the Telegram pipeline (store → recall → prompt → model → store). */
export async function runPlaygroundTurn(input: {
  userId: number;
  text: string;
  personal?: boolean;
}): Promise<PlaygroundTurn> {
  const why = playgroundUnavailable();
  if (why) throw new AppError("unavailable:llm", why);
  const deps = await getChatDeps();
  if (input.personal !== undefined) await deps.memory.updateSettings(input.userId, { personal: input.personal });
  const started = performance.now();
  const res = await runTurn(deps, { userId: input.userId, text: input.text });
  return {
    reply: res.reply,
    model: res.model,
    prompt: res.prompt,
    usage: res.usage,
    userMessageId: res.userMessage.id,
    replyMessageId: res.replyMessage.id,
    tookMs: Math.round(performance.now() - started),
  };
}
