import { Composer } from "grammy";
import { relativeDate } from "../../chat/relative-time";
import { escapeHtml } from "../format/html";
import { requirePrivate, type BotContext } from "../context";

/** /recall <query>: the top long-term memories for a query, with dates and scores. */
export const recallFeature = new Composer<BotContext>();

const SHOW = 5;
const PREVIEW_CHARS = 300;

recallFeature.command("recall", async (ctx) => {
  if (!(await requirePrivate(ctx))) return;
  const query = String(ctx.match ?? "").trim();
  if (!query) {
    await ctx.reply("Tell me what to look for, e.g. /recall my dog");
    return;
  }
  const res = await ctx.deps.memory.recall({ userId: ctx.from!.id, query, k: SHOW, mode: "hybrid" });
  if (res.hits.length === 0) {
    await ctx.reply("I don't remember anything about that.");
    return;
  }
  const lines = res.hits.map((h, i) => {
    const text = h.content.length > PREVIEW_CHARS ? `${h.content.slice(0, PREVIEW_CHARS)}…` : h.content;
    const who = h.role === "assistant" ? "I said" : "You said";
    const similarity = h.similarity === undefined ? "" : `, similarity ${h.similarity.toFixed(2)}`;
    return `${i + 1}. <i>${relativeDate(h.ts)}</i> · score ${h.score.toFixed(3)}${similarity}\n${who}: ${escapeHtml(text)}`;
  });
  await ctx.reply(`What I remember about “${escapeHtml(query)}”:\n\n${lines.join("\n\n")}`, { parse_mode: "HTML" });
});
