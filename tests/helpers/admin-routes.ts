/**
 * The admin route handlers (app/api/admin/**, app/api/openapi.json) loaded in-process, with a
 * Request builder, for tests that call them the way Next.js does (handler(request, { params })).
 * Import after the environment (REDIS_URL, REDIS_PREFIX, ADMIN_PASSWORD, …) is set: the app's
 * singletons read it on first use.
 */

import { Redis } from "ioredis";
import { FakeOpenAI } from "../fakes/openai-api";

/**
 * The environment the admin route tests share: real Redis under `prefix`, the fake OpenAI
 * server behind OPENAI_BASE_URL, no Telegram, and a valid session cookie.
 */
export async function startAdminEnv(o: {
  redisUrl: string;
  prefix: string;
  password: string;
  sessionSecret: string;
}): Promise<{ fake: FakeOpenAI; raw: Redis; cookie: string }> {
  const fake = await new FakeOpenAI().start();
  Object.assign(process.env, {
    REDIS_URL: o.redisUrl,
    REDIS_PREFIX: o.prefix,
    ADMIN_PASSWORD: o.password,
    SESSION_SECRET: o.sessionSecret,
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: fake.baseURL,
    TELEGRAM_BOT_TOKEN: "",
    LOG_LEVEL: "error",
  });
  const raw = new Redis(o.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 });
  const { createSessionToken } = await import("@/lib/auth/session");
  return { fake, raw, cookie: `mm_session=${await createSessionToken()}` };
}

/** Undoes startAdminEnv: the vector index and every key under `prefix`, the app's connection, the fake. */
export async function stopAdminEnv(env: { fake: FakeOpenAI; raw: Redis }, prefix: string): Promise<void> {
  const { getRuntime } = await import("@/lib/app");
  const { createMemoryContext } = await import("@/lib/memory");
  const { resetMetricsForTests } = await import("@/lib/metrics");
  const { deletePrefix } = await import("./servers");
  const rt = getRuntime();
  const { engine } = await rt.probe();
  const c = rt.config;
  await createMemoryContext({
    redis: rt.redis,
    prefix,
    engine,
    embedder: rt.embedder,
    historyMax: c.memory.historyMax,
    ttlDays: 1,
    longTermTtlDays: 1,
    maxMessageChars: 1000,
    encoding: c.vector.encoding,
    algorithm: c.vector.algorithm,
  })
    .engine.dropAll()
    .catch(() => undefined);
  resetMetricsForTests();
  await deletePrefix(env.raw, prefix);
  env.raw.disconnect();
  rt.redis.disconnect();
  await env.fake.close();
}

export type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type RouteModule = Partial<Record<"GET" | "POST" | "PATCH" | "DELETE", RouteHandler>>;

export interface AdminRoute {
  name: string;
  /** OpenAPI-style path, `{userId}` for the path parameter. */
  path: string;
  module: RouteModule;
}

export async function loadAdminRoutes(): Promise<AdminRoute[]> {
  const r = (name: string, path: string, module: unknown): AdminRoute => ({
    name,
    path,
    module: module as RouteModule,
  });
  return [
    r("session", "/api/admin/session", await import("@/app/api/admin/session/route")),
    r("users", "/api/admin/users", await import("@/app/api/admin/users/route")),
    r("user", "/api/admin/users/{userId}", await import("@/app/api/admin/users/[userId]/route")),
    r("history", "/api/admin/users/{userId}/history", await import("@/app/api/admin/users/[userId]/history/route")),
    r("memories", "/api/admin/users/{userId}/memories", await import("@/app/api/admin/users/[userId]/memories/route")),
    r("clear", "/api/admin/users/{userId}/clear", await import("@/app/api/admin/users/[userId]/clear/route")),
    r("export", "/api/admin/users/{userId}/export", await import("@/app/api/admin/users/[userId]/export/route")),
    r("profile", "/api/admin/users/{userId}/profile", await import("@/app/api/admin/users/[userId]/profile/route")),
    r("media", "/api/admin/media/{fileId}", await import("@/app/api/admin/media/[fileId]/route")),
    r("search", "/api/admin/search", await import("@/app/api/admin/search/route")),
    r("stats", "/api/admin/stats", await import("@/app/api/admin/stats/route")),
    r("redis", "/api/admin/redis", await import("@/app/api/admin/redis/route")),
    r("latency", "/api/admin/latency", await import("@/app/api/admin/latency/route")),
    r("playground", "/api/admin/playground", await import("@/app/api/admin/playground/route")),
    r("openapi", "/api/openapi.json", await import("@/app/api/openapi.json/route")),
  ];
}

export interface RequestSpec {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  params?: Record<string, string>;
  query?: URLSearchParams | Record<string, string>;
  cookie?: string;
  origin?: string;
  ip?: string;
  contentType?: string;
  body?: BodyInit;
}

export const HOST = "dash.test";

/** A lone surrogate cannot be percent-encoded; a browser would send U+FFFD for it. */
function encodePathPart(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return encodeURIComponent(v.replace(/[\ud800-\udfff]/g, "\ufffd"));
  }
}

/** Calls a handler like Next.js would: the URL holds the encoded path and query, params are decoded. */
export async function callRoute(handler: RouteHandler, s: RequestSpec): Promise<Response> {
  const headers = new Headers({ host: HOST });
  if (s.cookie) headers.set("cookie", s.cookie);
  if (s.origin) headers.set("origin", s.origin);
  if (s.ip) headers.set("x-forwarded-for", s.ip);
  if (s.contentType) headers.set("content-type", s.contentType);
  const path = s.path.replace(/\{(\w+)\}/g, (_, k: string) => encodePathPart(s.params?.[k] ?? ""));
  const qs = new URLSearchParams(s.query).toString();
  const hasBody = s.body !== undefined && s.method !== "GET";
  const req = new Request(`http://${HOST}${path}${qs ? `?${qs}` : ""}`, {
    method: s.method,
    headers,
    body: hasBody ? s.body : undefined,
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
  return handler(req, { params: Promise.resolve(s.params ?? {}) });
}

/** The error body every 4xx/5xx must have: a typed code and a message a person can act on. */
export async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  const text = await res.text();
  let body: { error?: { code?: unknown; message?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`${res.status} without a JSON error body: ${text.slice(0, 200)}`);
  }
  const { code, message } = body.error ?? {};
  if (typeof code !== "string" || !/^[a-z_]+:[a-z]+$/.test(code) || typeof message !== "string" || message.length < 5) {
    throw new Error(`${res.status} with an unclear error body: ${text.slice(0, 200)}`);
  }
  return { code, message };
}
