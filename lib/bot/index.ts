/** The bot module's surface; the app's bot is wired in lib/app (createApp → app.bot()). */
export { createBot, type BotInfoStore, type CreateBotOptions } from "./create-bot";
export type { BotContext, BotDeps } from "./context";
