import { Composer, InlineKeyboard } from "grammy";
import { currentFacts } from "../../chat/profile/block";
import type { ProfileFact } from "../../memory/types";
import { escapeHtml } from "../format/html";
import { requirePrivate, type BotContext } from "../context";
import { CATEGORY_LABELS } from "../../chat/profile/labels";

/** Buttons per message: Telegram allows 100; a profile past this is shown in part. */
const MAX_LISTED = 30;

/** The profile as a numbered list with one delete button per fact and one for all. */
export function renderProfile(facts: ProfileFact[], userId: number): { text: string; keyboard?: InlineKeyboard } {
  const live = currentFacts(facts).slice(-MAX_LISTED);
  if (live.length === 0) {
    return {
      text: "I haven't noted anything about you yet. As we talk, I keep a short profile (your name, what you like, your goals…) — /profile shows it and lets you delete any of it.",
    };
  }
  const lines = live.map((f, i) => `${i + 1}. <b>${CATEGORY_LABELS[f.category]}</b>: ${escapeHtml(f.text)}`);
  const kb = new InlineKeyboard();
  live.forEach((f, i) => {
    kb.text(`🗑 ${i + 1}`, `profile:del:${userId}:${f.id}`);
    if ((i + 1) % 5 === 0) kb.row();
  });
  kb.row().text("🗑 Delete all", `profile:all:${userId}`);
  return { text: `What I know about you:\n\n${lines.join("\n")}\n\nTap a number to delete that item.`, keyboard: kb };
}

/**
 * /profile: what the bot has learnt about the user, with buttons to delete one item or all.
 * Deleted items stop reaching the prompt at once (they stay in the profile's history, which
 * /forget removes). Buttons carry the owner's id, like /forget's.
 */
export const profileFeature = new Composer<BotContext>();

profileFeature.command("profile", async (ctx) => {
  if (!(await requirePrivate(ctx))) return;
  const { facts } = await ctx.deps.memory.getProfile(ctx.from!.id);
  const view = renderProfile(facts, ctx.from!.id);
  await ctx.reply(view.text, { parse_mode: "HTML", ...(view.keyboard ? { reply_markup: view.keyboard } : {}) });
});

profileFeature.callbackQuery(/^profile:(del|all):(\d+)(?::([\w-]+))?$/, async (ctx) => {
  const [, action, owner, factId] = ctx.match as RegExpMatchArray;
  const userId = ctx.from.id;
  if (Number(owner) !== userId) {
    await ctx.answerCallbackQuery({ text: "This button belongs to someone else." });
    return;
  }
  const { memory } = ctx.deps;
  let n = 0;
  try {
    n = await memory.deleteProfileFacts(userId, action === "all" ? "all" : factId!);
  } catch {
    n = 0; // already gone (pressed twice, or deleted from the dashboard)
  }
  await ctx.answerCallbackQuery({ text: n > 0 ? (n === 1 ? "Deleted" : `Deleted ${n} items`) : "Already deleted" });
  const view = renderProfile((await memory.getProfile(userId)).facts, userId);
  await ctx.editMessageText(view.text, {
    parse_mode: "HTML",
    ...(view.keyboard ? { reply_markup: view.keyboard } : {}),
  });
});
