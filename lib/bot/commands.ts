import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";

/** The command menu, registered with setMyCommands by `webhook:set` and `bot:poll`. */
export const BOT_COMMANDS: BotCommand[] = [
  { command: "start", description: "Welcome, and what I remember about you" },
  { command: "help", description: "What I can do" },
  { command: "model", description: "Choose the AI model for your replies" },
  { command: "personal", description: "Turn long-term memory in replies on or off" },
  { command: "clear", description: "Start a new conversation (long-term memory stays)" },
  { command: "forget", description: "Delete everything I know about you" },
  { command: "export", description: "Get all your data as a JSON file" },
  { command: "recall", description: "Search my memories of you: /recall <query>" },
  { command: "profile", description: "What I know about you (delete any of it)" },
  { command: "stats", description: "Your message and token counts" },
];

export async function registerCommands(api: Api): Promise<void> {
  await api.setMyCommands(BOT_COMMANDS);
}

/** Updates the bot asks Telegram for (webhook and polling alike). */
export const ALLOWED_UPDATES = ["message", "edited_message", "callback_query"] as const;
