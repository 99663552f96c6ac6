import type { UserFromGetMe } from "grammy/types";
import type { Redis } from "../redis/client";
import { z } from "zod";
import { botKeys } from "../redis/keys";

/**
 * The bot's own getMe answer, cached in Redis so a cold serverless start does not spend a
 * Bot API round trip before it can handle an update. Keyed by the bot id (the token's public
 * part); refreshed daily so a renamed bot is picked up.
 */

const TTL_SECONDS = 86400;

const botInfoSchema = z.looseObject({
  id: z.number().int(),
  is_bot: z.literal(true),
  first_name: z.string(),
  username: z.string(),
  can_join_groups: z.boolean(),
  can_read_all_group_messages: z.boolean(),
  supports_inline_queries: z.boolean(),
});

export function botInfoKey(prefix: string, botId: string): string {
  return botKeys(prefix).botInfo(botId);
}

/** The public bot id in front of the token's colon. */
export function botIdFromToken(token: string): string {
  return token.split(":")[0] ?? "unknown";
}

/**
 * The cached answer, or undefined when missing or unreadable. Only the fields the bot relies
 * on are checked; newer optional fields Telegram adds are kept as they are.
 */
export async function readBotInfo(redis: Redis, prefix: string, botId: string): Promise<UserFromGetMe | undefined> {
  const raw = await redis.get(botInfoKey(prefix, botId));
  if (!raw) return undefined;
  try {
    const parsed = botInfoSchema.safeParse(JSON.parse(raw));
    return parsed.success ? (parsed.data as unknown as UserFromGetMe) : undefined;
  } catch {
    return undefined;
  }
}

export async function saveBotInfo(redis: Redis, prefix: string, info: UserFromGetMe): Promise<void> {
  await redis.set(botInfoKey(prefix, String(info.id)), JSON.stringify(info), "EX", TTL_SECONDS);
}
