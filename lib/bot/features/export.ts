import { Composer, InputFile } from "grammy";
import { requirePrivate, type BotContext } from "../context";

/** /export: the memory layer's JSON export of the user, as a document (private chats only). */
export const exportFeature = new Composer<BotContext>();

exportFeature.command("export", async (ctx) => {
  if (!(await requirePrivate(ctx))) return;
  const userId = ctx.from!.id;
  await ctx.replyWithChatAction("upload_document").catch(() => undefined);
  const data = await ctx.deps.memory.exportUser(userId);
  const file = new InputFile(Buffer.from(JSON.stringify(data, null, 2), "utf8"), `mindmate-export-${userId}.json`);
  await ctx.replyWithDocument(file, {
    caption: `Everything I store about you: ${data.history.length} recent messages, ${data.memories.length} long-term memories and your settings.`,
  });
});
