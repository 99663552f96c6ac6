import { OpenAPIRegistry, OpenApiGeneratorV3, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import type { z } from "zod";
import * as p from "./profile";
import * as s from "./schemas";

/**
 * /api/openapi.json, built from the same zod schemas the admin routes parse with. Every route
 * needs the session cookie except the login route; mutations also need a same-origin request.
 */

type Method = RouteConfig["method"];
interface Doc {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
  public?: boolean;
  download?: boolean;
  /** Answers raw bytes (a Telegram file) instead of JSON. */
  binary?: boolean;
  /** When a 404 can happen: what is missing. */
  notFound?: string;
}

const json = (schema: z.ZodType) => ({ "application/json": { schema } });

const routes: Doc[] = [
  {
    method: "post",
    path: "/api/admin/session",
    summary: "Log in (sets the mm_session cookie; throttled per address)",
    tag: "session",
    body: s.loginBody,
    response: s.okBody,
    public: true,
  },
  {
    method: "delete",
    path: "/api/admin/session",
    summary: "Log out (clears the cookie)",
    tag: "session",
    response: s.okBody,
    public: true,
  },
  {
    method: "get",
    path: "/api/admin/stats",
    summary: "Overview: health, totals, Redis memory, bytes per message",
    tag: "stats",
    response: s.overviewBody,
  },
  {
    method: "get",
    path: "/api/admin/latency",
    summary: "Latency percentiles over time per operation",
    tag: "stats",
    query: s.latencyQuery,
    response: s.latencyResponse,
  },
  {
    method: "get",
    path: "/api/admin/redis",
    summary: "Redis INFO highlights, keyspace, TTLs, SLOWLOG, vector index",
    tag: "stats",
    response: s.redisReport,
  },
  {
    method: "get",
    path: "/api/admin/users",
    summary: "List users (search, sort, page)",
    tag: "users",
    query: s.usersQuery,
    response: s.usersPage,
  },
  {
    method: "get",
    path: "/api/admin/users/{userId}",
    summary: "One user's settings and counts",
    tag: "users",
    params: s.userParams,
    response: s.userDetail,
  },
  {
    method: "delete",
    path: "/api/admin/users/{userId}",
    summary: "Forget a user: delete everything stored about them",
    tag: "users",
    params: s.userParams,
    response: s.okBody,
  },
  {
    method: "get",
    path: "/api/admin/users/{userId}/history",
    summary: "Short-term history, oldest first, paged back with `before`",
    tag: "users",
    params: s.userParams,
    query: s.historyQuery,
    response: s.historyPage,
  },
  {
    method: "get",
    path: "/api/admin/users/{userId}/memories",
    summary: "Long-term memories, newest first",
    tag: "users",
    params: s.userParams,
    query: s.pageQuery,
    response: s.memoriesPage,
  },
  {
    method: "post",
    path: "/api/admin/users/{userId}/clear",
    summary: "Clear the short-term history (long-term memory stays)",
    tag: "users",
    params: s.userParams,
    response: s.okBody,
  },
  {
    method: "get",
    path: "/api/admin/users/{userId}/export",
    summary: "Export a user as a JSON download",
    tag: "users",
    params: s.userParams,
    query: s.exportQuery,
    response: s.okBody,
    download: true,
  },
  {
    method: "get",
    path: "/api/admin/users/{userId}/profile",
    summary: "The user's profile facts (current and superseded, with provenance)",
    tag: "users",
    params: s.userParams,
    response: p.profileBody,
  },
  {
    method: "patch",
    path: "/api/admin/users/{userId}/profile",
    summary: "Edit a current profile fact (the old version stays as history)",
    tag: "users",
    params: s.userParams,
    body: p.profileEditBody,
    response: p.profileFactBody,
    notFound: "No current fact with that id",
  },
  {
    method: "delete",
    path: "/api/admin/users/{userId}/profile",
    summary: "Delete one profile fact, or all (factId=all)",
    tag: "users",
    params: s.userParams,
    query: p.profileDeleteQuery,
    response: p.deletedBody,
    notFound: "No current fact with that id",
  },
  {
    method: "get",
    path: "/api/admin/media/{fileId}",
    summary: "A stored photo or voice message, fetched from Telegram by the server",
    tag: "users",
    params: p.mediaParams,
    response: s.okBody,
    binary: true,
    notFound: "Telegram has no such file for this bot",
  },
  {
    method: "get",
    path: "/api/admin/search",
    summary: "Search long-term memory (dense, lexical or hybrid)",
    tag: "search",
    query: s.searchQuery,
    response: s.searchResult,
  },
  {
    method: "post",
    path: "/api/admin/playground",
    summary: "One chat turn as a test user through the bot's pipeline",
    tag: "playground",
    body: s.playgroundBody,
    response: s.playgroundResponse,
  },
];

function register(registry: OpenAPIRegistry, d: Doc): void {
  const errors: RouteConfig["responses"] = {
    400: { description: "Invalid input; the message names the field", content: json(s.errorBody) },
    ...(d.public ? {} : { 401: { description: "Not logged in", content: json(s.errorBody) } }),
    ...(d.notFound ? { 404: { description: d.notFound, content: json(s.errorBody) } } : {}),
    ...(d.method === "post" || d.method === "delete" || d.method === "patch"
      ? { 403: { description: "Cross-site request refused", content: json(s.errorBody) } }
      : {}),
    ...(d.path === "/api/admin/users/{userId}" && d.method === "get"
      ? { 404: { description: "No such user (nothing stored for this id)", content: json(s.errorBody) } }
      : {}),
    ...(d.body
      ? {
          413: { description: "Body larger than 64 KB", content: json(s.errorBody) },
          415: { description: "Body not sent as Content-Type: application/json", content: json(s.errorBody) },
        }
      : {}),
    ...(d.path === "/api/admin/session" && d.method === "post"
      ? {
          429: {
            description: "Too many wrong passwords (from this address, or from everyone: the global budget)",
            content: json(s.errorBody),
          },
        }
      : {}),
    503: {
      description:
        "Redis (or the model API, for the playground) is unavailable, or the server is not configured for this; retry later",
      content: json(s.errorBody),
    },
  };
  registry.registerPath({
    method: d.method,
    path: d.path,
    summary: d.summary,
    tags: [d.tag],
    security: d.public ? [] : [{ session: [] }],
    request: {
      ...(d.params ? { params: d.params } : {}),
      ...(d.query ? { query: d.query } : {}),
      ...(d.body ? { body: { content: json(d.body), required: true } } : {}),
    },
    responses: {
      200: d.binary
        ? {
            description: "The file's bytes (images inline, audio as an attachment)",
            content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
          }
        : d.download
          ? {
              description: "The user's data (UserExport JSON) as an attachment",
              content: { "application/json": { schema: { type: "object" } } },
            }
          : { description: "OK", content: json(d.response) },
      ...errors,
    },
  });
}

let cached: ReturnType<OpenApiGeneratorV3["generateDocument"]> | undefined;

export function openApiDocument() {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "session", {
    type: "apiKey",
    in: "cookie",
    name: "mm_session",
    description: "Set by POST /api/admin/session",
  });
  for (const r of routes) register(registry, r);
  cached = new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: "3.0.3",
    info: {
      title: "MindMate admin API",
      version: "1.0.0",
      description: "The dashboard's JSON API. Log in with POST /api/admin/session, then send the mm_session cookie.",
    },
  });
  return cached;
}
