import { Composer, InlineKeyboard } from "grammy";
import { modelFor } from "../../chat/pipeline";
import { escapeHtml } from "../format/html";
import type { BotContext } from "../context";
import { isNotModified } from "../send";

/** /model: an inline keyboard of ALLOWED_MODELS, the current one ticked; a press saves the choice. */
export const modelFeature = new Composer<BotContext>();

const CALLBACK_LIMIT = 64; // bytes of callback_data Telegram accepts

function callbackData(model: string, index: number): string {
  const byName = `model:${model}`;
  return Buffer.byteLength(byName) <= CALLBACK_LIMIT ? byName : `model#${index}`;
}

export function modelKeyboard(models: string[], current: string): InlineKeyboard {
  const kb = new InlineKeyboard();
  models.forEach((m, i) => kb.text(m === current ? `✓ ${m}` : m, callbackData(m, i)).row());
  return kb;
}

const prompt = (current: string) => `Choose the model for your replies. Current: <b>${escapeHtml(current)}</b>`;

modelFeature.command("model", async (ctx) => {
  const { memory, config } = ctx.deps;
  const current = modelFor(await memory.getSettings(ctx.from!.id), config);
  await ctx.reply(prompt(current), {
    parse_mode: "HTML",
    reply_markup: modelKeyboard(config.llm.allowedModels, current),
  });
});

modelFeature.callbackQuery(/^model([:#])(.+)$/, async (ctx) => {
  const { memory, config } = ctx.deps;
  const [, how, value] = ctx.match as RegExpMatchArray;
  const models = config.llm.allowedModels;
  const model = how === ":" ? value : models[Number(value)];
  if (!model || !models.includes(model)) {
    await ctx.answerCallbackQuery({ text: "That model is no longer available. Send /model again.", show_alert: true });
    return;
  }
  await memory.updateSettings(ctx.from.id, { model });
  await ctx.answerCallbackQuery({ text: `Model set to ${model}` });
  await ctx
    .editMessageText(prompt(model), { parse_mode: "HTML", reply_markup: modelKeyboard(models, model) })
    .catch((e: unknown) => {
      if (!isNotModified(e)) throw e;
    });
});
