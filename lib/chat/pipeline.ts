import type { Config } from "../config";
import { logger } from "../log";
import type { HistoryMessage, Memory, MemoryHit, MessageMedia, ProfileFact, UserSettings } from "../memory/types";
import { retryWhileUnavailable } from "../memory/redis-errors";
import type { LlmClient } from "./llm";
import { previousMessageContext } from "./neighbour";
import { profileBlock, styleInstruction } from "./profile/block";
import { buildPrompt, selectWindow, type BuiltPrompt } from "./prompt";
import { needsSummary, summarize, uncoveredMessages } from "./summary";
import { tokenCounterFor, type TokenCounter } from "./tokens";

export type { BuiltPrompt } from "./prompt";

const log = logger("chat");
/** Longest a turn waits for Redis to come back before answering with an apology. */
const READ_WAIT_MS = 15_000;

export interface TurnResult {
  reply: string;
  prompt: BuiltPrompt;
  model: string;
  usage?: { promptTokens: number; completionTokens: number };
  userMessage: HistoryMessage;
  replyMessage: HistoryMessage;
}

export interface ChatDeps {
  memory: Memory;
  llm: LlmClient;
  config: Config;
}

export interface TurnInput {
  userId: number;
  text: string;
  tgMessageId?: number;
  profile?: { firstName?: string; username?: string; language?: string };
  onDelta?: (textSoFar: string) => void | Promise<void>;
  signal?: AbortSignal;
  /**
   * false (group chats): answer from this message alone — no recent history, summary or
   * long-term recall, so nothing from the user's private conversation reaches a group.
   * The message and reply are still stored under the user.
   */
  privateContext?: boolean;
  /** The bot message this one replies to (groups), shown to the model right before it. */
  quoted?: string;
  /**
   * Idempotency key base (`tg:<chat>:<update>`): the user message is stored with `<key>:user`
   * and the reply with `<key>:assistant`, so a redo of the same update stores neither twice.
   */
  key?: string;
  /** The user message, when a previous attempt of this turn already stored it (resume). */
  storedUser?: HistoryMessage;
  /** Called once the user message is stored (records the turn's progress). */
  onUserStored?: (message: HistoryMessage) => Promise<void>;
  /** Called with the model's answer before it is stored (records the turn's progress). */
  onAnswer?: (text: string, usage: { promptTokens: number; completionTokens: number }) => Promise<void>;
  /** The message was a voice message / photo: `text` is its transcript / description. */
  media?: MessageMedia;
  /** Images the model sees with this message (data: URLs; vision-capable models only). */
  images?: string[];
}

/** The user's model if it is still allowed, else the default. */
export function modelFor(settings: UserSettings, config: Config): string {
  return settings.model && config.llm.allowedModels.includes(settings.model) ? settings.model : config.llm.defaultModel;
}

async function recallFor(deps: ChatDeps, input: TurnInput, window: HistoryMessage[]): Promise<MemoryHit[]> {
  try {
    const res = await deps.memory.recall({
      userId: input.userId,
      query: input.text,
      k: deps.config.llm.recallK,
      minScore: deps.config.llm.recallMinScore,
      mode: "hybrid",
      excludeIds: window.map((m) => m.id),
    });
    return res.hits;
  } catch (e) {
    // A reply without memories beats no reply: recall is an enhancement.
    log.warn("recall failed; answering without long-term memory", { userId: input.userId, error: e });
    return [];
  }
}

/** The profile is an enhancement like recall: unreadable → answer without it. */
async function profileFacts(memory: Memory, userId: number): Promise<ProfileFact[]> {
  try {
    return (await memory.getProfile(userId)).facts;
  } catch (e) {
    log.warn("profile unreadable; answering without it", { userId, error: e });
    return [];
  }
}

/** Refreshes the stored rolling summary when enough history left the window; returns the summary to use. */
async function currentSummary(
  deps: ChatDeps,
  a: {
    userId: number;
    settings: UserSettings;
    history: HistoryMessage[];
    window: HistoryMessage[];
    model: string;
    count: TokenCounter;
    signal?: AbortSignal;
  },
): Promise<string | undefined> {
  const uncovered = uncoveredMessages(a.history, a.window, a.settings.summaryUpTo);
  if (!needsSummary(uncovered)) return a.settings.summary;
  try {
    const summary = await summarize({
      llm: deps.llm,
      model: a.model,
      previous: a.settings.summary,
      messages: uncovered,
      count: a.count,
      signal: a.signal,
    });
    await deps.memory.updateSettings(a.userId, { summary, summaryUpTo: uncovered[uncovered.length - 1]!.id });
    return summary;
  } catch (e) {
    log.warn("summary refresh failed; using the previous one", { userId: a.userId, error: e });
    return a.settings.summary;
  }
}

/**
 * One conversation turn, shared by the Telegram bot and the dashboard playground:
 * store the user's message → window + rolling summary + (personal mode) recall → model → store
 * the reply with its token usage. A model failure throws an AppError (surface "llm") after the
 * user message is stored once and before anything of the reply is stored.
 */
export async function runTurn(deps: ChatDeps, input: TurnInput): Promise<TurnResult> {
  const { memory, llm, config } = deps;
  let userMessage = input.storedUser;
  if (!userMessage) {
    const context = await previousMessageContext(memory, input.userId);
    userMessage = await memory.appendMessage({
      userId: input.userId,
      role: "user",
      content: input.text,
      tgMessageId: input.tgMessageId,
      profile: input.profile,
      key: input.key && `${input.key}:user`,
      context,
      media: input.media,
    });
    await input.onUserStored?.(userMessage);
  }
  const full = input.privateContext !== false;
  // The user message is safe (stored or journaled); wait out a short Redis outage for the reads
  // instead of answering with an error.
  const [settings, history, facts] = await retryWhileUnavailable(
    () =>
      Promise.all([
        memory.getSettings(input.userId),
        full ? memory.getHistory(input.userId, config.memory.historyMax) : ([] as HistoryMessage[]),
        full && config.profile.enabled ? profileFacts(memory, input.userId) : ([] as ProfileFact[]),
      ]),
    { waitMs: READ_WAIT_MS },
  );
  const model = modelFor(settings, config);
  const count = await tokenCounterFor(model);
  if (!history.some((m) => m.id === userMessage.id)) history.push(userMessage); // read-after-write on a lagging replica/journal

  const window = full ? selectWindow(history, config.llm.contextTokens, count) : [userMessage];
  const summary = full
    ? await currentSummary(deps, {
        userId: input.userId,
        settings,
        history,
        window,
        model,
        count,
        signal: input.signal,
      })
    : undefined;
  const recalled = full && settings.personal ? await recallFor(deps, input, window) : [];
  const personal = full && settings.personal;
  const prompt = buildPrompt({
    systemPrompt: config.llm.systemPrompt,
    style: personal ? styleInstruction(facts) : undefined,
    profile: personal ? profileBlock(facts, config.profile.tokens, count) : undefined,
    recalled,
    summary,
    window,
    quoted: input.quoted,
    count,
  });
  if (input.images?.length) {
    const last = prompt.messages.findLast((m) => m.role === "user");
    if (last) last.images = input.images;
  }

  const res = await llm.complete({ model, messages: prompt.messages, onDelta: input.onDelta, signal: input.signal });
  const usage = res.usage ?? { promptTokens: prompt.tokens, completionTokens: count(res.text) };
  await input.onAnswer?.(res.text, usage);
  const replyMessage = await memory.appendMessage({
    userId: input.userId,
    role: "assistant",
    content: res.text,
    usage,
    key: input.key && `${input.key}:assistant`,
    context: userMessage.content,
  });
  return { reply: res.text, prompt, model: res.model, usage, userMessage, replyMessage };
}
