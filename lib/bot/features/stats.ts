import { Composer } from "grammy";
import { modelFor } from "../../chat/pipeline";
import { relativeDate } from "../../chat/relative-time";
import { requirePrivate, type BotContext } from "../context";

/** /stats: the user's own counts. */
export const statsFeature = new Composer<BotContext>();

statsFeature.command("stats", async (ctx) => {
  if (!(await requirePrivate(ctx))) return;
  const { memory, config } = ctx.deps;
  const userId = ctx.from!.id;
  const [s, memories] = await Promise.all([memory.getSettings(userId), memory.listMemories(userId, { limit: 1 })]);
  const since = s.createdAt ? `${s.createdAt.slice(0, 10)} (${relativeDate(s.createdAt)})` : "—";
  await ctx.reply(
    [
      "Your stats:",
      `• Messages: ${s.messages}`,
      `• Long-term memories: ${memories.total}`,
      `• Tokens: ${s.promptTokens + s.completionTokens} (${s.promptTokens} prompt, ${s.completionTokens} completion)`,
      `• Since: ${since}`,
      `• Model: ${modelFor(s, config)} · personal mode ${s.personal ? "on" : "off"}`,
    ].join("\n"),
  );
});
