import { logger } from "../../log";
import type { Memory } from "../../memory/types";
import type { LlmClient } from "../llm";
import { currentFacts } from "./block";
import { extractProfileFacts } from "./extract";

const log = logger("profile");
/** The extractor reads at most this many new messages per run (the rest wait for the next). */
const MAX_NEW_MESSAGES = 40;

export interface ProfileUpdateDeps {
  memory: Memory;
  llm: LlmClient;
  config: { profile: { enabled: boolean; everyTurns: number } };
}

/**
 * After a turn has been answered: count it, and every PROFILE_EVERY_TURNS user turns let the
 * model read what is new and update the profile. Never throws — a failed extraction leaves the
 * profile as it was and is retried after the next turn.
 */
export async function maybeUpdateProfile(
  deps: ProfileUpdateDeps,
  userId: number,
  model: string,
  opts: { force?: boolean; signal?: AbortSignal } = {},
): Promise<number> {
  if (!deps.config.profile.enabled) return 0;
  try {
    const turns = await deps.memory.countProfileTurn(userId);
    if (!opts.force && turns < deps.config.profile.everyTurns) return 0;
    const [profile, history] = await Promise.all([deps.memory.getProfile(userId), deps.memory.getHistory(userId, 200)]);
    const fresh = history
      .filter((m) => m.role !== "system" && (!profile.upTo || m.id > profile.upTo))
      .slice(-MAX_NEW_MESSAGES);
    if (!fresh.some((m) => m.role === "user")) return 0;
    const facts = await extractProfileFacts({
      llm: deps.llm,
      model,
      current: currentFacts(profile.facts),
      messages: fresh,
      signal: opts.signal,
    });
    const added = await deps.memory.addProfileFacts(userId, facts, { upTo: fresh[fresh.length - 1]!.id });
    if (added.length > 0) log.info("profile updated", { userId, added: added.length });
    return added.length;
  } catch (e) {
    log.warn("profile update failed; it is retried after the next turn", { userId, error: e });
    return 0;
  }
}
