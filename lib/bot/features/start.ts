import { Composer } from "grammy";
import { escapeHtml } from "../format/html";
import { BOT_COMMANDS } from "../commands";
import type { BotContext } from "../context";

/** /start: welcome + what is remembered and how to delete it. /help: the command list. */
export const startFeature = new Composer<BotContext>();

startFeature.command("start", async (ctx) => {
  const user = ctx.from!;
  const { memory } = ctx.deps;
  const [settings, memories] = await Promise.all([
    memory.getSettings(user.id),
    memory.listMemories(user.id, { limit: 1 }),
  ]);
  const personal = settings.personal
    ? "Personal mode is <b>on</b>: I bring up what I remember when it helps (/personal turns it off)."
    : "Personal mode is <b>off</b>: I only use our current conversation (/personal turns it on).";
  await ctx.reply(
    [
      `👋 Hi ${escapeHtml(user.first_name)}! I'm MindMate, an AI companion with a long-term memory.`,
      `What I remember about you: <b>${settings.messages}</b> messages in our conversation history and <b>${memories.total}</b> long-term memories.`,
      personal,
      "Your data is yours: /export sends all of it as a file, /clear starts a fresh conversation (long-term memories stay), /forget deletes everything I know about you.",
      "Just write to me. /help lists all commands.",
    ].join("\n\n"),
    { parse_mode: "HTML" },
  );
});

startFeature.command("help", async (ctx) => {
  const lines = BOT_COMMANDS.map((c) => `/${c.command} — ${escapeHtml(c.description)}`);
  await ctx.reply(
    `I'm MindMate. Write to me like to a friend; I remember our conversations.\n\n${lines.join("\n")}\n\nIn groups I answer when you mention me or reply to my messages.`,
    { parse_mode: "HTML" },
  );
});
