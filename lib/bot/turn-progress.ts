import type { Redis } from "../redis/client";
import type { HistoryMessage } from "../memory/types";
import { turnKeys } from "./chat-queue";

/**
 * How far one Telegram update's conversation turn got, so a redo (the worker crashed or lost
 * its lock before acknowledging the update) resumes where it stopped instead of starting over:
 *
 *   <prefix>q:turn:<chat>:<update>   HASH  user      the stored user message (JSON): not stored again
 *                                          answer    the model's reply text: no second model call
 *                                          usage     its token usage (JSON)
 *                                          stored    "1" once the reply is in history
 *   <prefix>replied:<chat>:<update>  STRING "1" written right after Telegram accepted the reply:
 *                                          checked before the model call, nothing is sent again
 *
 * Both go away with the update's ack (lib/bot/chat-queue.ts ACK), and expire after
 * PROGRESS_SECONDS as a backstop. The one window left: a crash after Telegram accepted the
 * reply and before `replied` is written sends the reply a second time (docs/bot.md).
 */
const PROGRESS_SECONDS = 2 * 86400;

export interface TurnProgress {
  user?: HistoryMessage;
  answer?: string;
  usage?: { promptTokens: number; completionTokens: number };
  stored: boolean;
  replied: boolean;
}

export interface TurnProgressStore {
  read(chat: number, updateId: number): Promise<TurnProgress>;
  userStored(chat: number, updateId: number, message: HistoryMessage): Promise<void>;
  answered(
    chat: number,
    updateId: number,
    answer: string,
    usage?: { promptTokens: number; completionTokens: number },
  ): Promise<void>;
  replyStored(chat: number, updateId: number): Promise<void>;
  replied(chat: number, updateId: number): Promise<void>;
}

export function createTurnProgress(redis: Redis, prefix: string): TurnProgressStore {
  const keys = (chat: number, updateId: number) => turnKeys(prefix, String(chat), updateId);
  const setFields = async (chat: number, updateId: number, fields: Record<string, string>) => {
    const { turn } = keys(chat, updateId);
    await redis
      .pipeline()
      .hset(turn, fields)
      .expire(turn, PROGRESS_SECONDS)
      .exec()
      .then((res) => {
        const err = res?.find(([e]) => e)?.[0];
        if (err) throw err;
      });
  };
  return {
    async read(chat, updateId) {
      const { turn, replied } = keys(chat, updateId);
      const res = (await redis.pipeline().hgetall(turn).exists(replied).exec()) ?? [];
      const err = res.find(([e]) => e)?.[0];
      if (err) throw err;
      const h = (res[0]?.[1] ?? {}) as Record<string, string>;
      return {
        user: h.user ? (JSON.parse(h.user) as HistoryMessage) : undefined,
        answer: h.answer,
        usage: h.usage ? (JSON.parse(h.usage) as TurnProgress["usage"]) : undefined,
        stored: h.stored === "1",
        replied: Number(res[1]?.[1] ?? 0) === 1,
      };
    },
    userStored: (chat, updateId, message) => setFields(chat, updateId, { user: JSON.stringify(message) }),
    answered: (chat, updateId, answer, usage) =>
      setFields(chat, updateId, usage ? { answer, usage: JSON.stringify(usage) } : { answer }),
    replyStored: (chat, updateId) => setFields(chat, updateId, { stored: "1" }),
    async replied(chat, updateId) {
      await redis.set(keys(chat, updateId).replied, "1", "EX", PROGRESS_SECONDS);
    },
  };
}
