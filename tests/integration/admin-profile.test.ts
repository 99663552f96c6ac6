import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram-api";
import { deletePrefix, rawClient, testServers, uniquePrefix } from "../helpers/servers";

/**
 * The profile and media admin routes, called directly with a Request like admin-api.test.ts:
 * 400 naming the field (before auth), 401 without a session, 403 cross-site, 404 for a fact or
 * file that does not exist, and the effect in real Redis. Media comes from the fake Bot API.
 */

const server = testServers().available[0];
const skip = !server ? "no test server URL set (run through npm test)" : false;
const PREFIX = uniquePrefix("admin-profile");
const USER = 5252001;
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
let cookie = "";
function call(
  handler: Handler,
  path: string,
  o: { method?: string; auth?: boolean; origin?: string; body?: unknown; params?: Record<string, string> } = {},
) {
  const headers = new Headers({ host: "dash.test" });
  if (o.auth !== false) headers.set("cookie", cookie);
  if (o.origin) headers.set("origin", o.origin);
  if (o.body !== undefined) headers.set("content-type", "application/json");
  const req = new Request(`http://dash.test${path}`, {
    method: o.method ?? "GET",
    headers,
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  return handler(req, { params: Promise.resolve(o.params ?? {}) });
}

describe("admin profile and media routes", { skip }, () => {
  let raw: Redis;
  let tg: FakeTelegram;
  let profile: Record<string, Handler>;
  let media: Record<string, Handler>;
  let factIds: string[];

  before(async () => {
    tg = await startFakeTelegram();
    Object.assign(process.env, {
      REDIS_URL: server!.url,
      REDIS_PREFIX: PREFIX,
      ADMIN_PASSWORD: "correct horse battery staple",
      SESSION_SECRET: "integration-secret",
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      BOT_MODE: "polling",
      EMBEDDING_PROVIDER: "openai",
      OPENAI_API_KEY: "sk-fake",
      OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
      LOG_LEVEL: "error",
    });
    raw = rawClient(server!.url);
    const { createSessionToken } = await import("@/lib/auth/session");
    cookie = `mm_session=${await createSessionToken()}`;
    profile = (await import("@/app/api/admin/users/[userId]/profile/route")) as unknown as Record<string, Handler>;
    media = (await import("@/app/api/admin/media/[fileId]/route")) as unknown as Record<string, Handler>;
    const { getMemory } = await import("@/lib/app");
    const memory = await getMemory();
    const added = await memory.addProfileFacts(USER, [
      { category: "name", text: "Ada", sources: ["lx1-a"] },
      { category: "like", text: "Likes green tea", sources: [] },
    ]);
    factIds = added.map((f) => f.id);
  });
  after(async () => {
    await deletePrefix(raw, PREFIX);
    raw.disconnect();
    await tg.close();
    const { getRuntime } = await import("@/lib/app");
    getRuntime().redis.disconnect();
  });

  it("GET lists the facts with provenance; 401 without a session; 400 for a bad user id", async () => {
    const res = await call(profile.GET!, `/api/admin/users/${USER}/profile`, { params: { userId: String(USER) } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { facts: { text: string; sources: string[] }[] };
    assert.deepEqual(
      body.facts.map((f) => [f.text, f.sources]),
      [
        ["Ada", ["lx1-a"]],
        ["Likes green tea", []],
      ],
    );
    assert.equal((await call(profile.GET!, "/x", { auth: false, params: { userId: String(USER) } })).status, 401);
    assert.equal((await call(profile.GET!, "/x", { params: { userId: "abc" } })).status, 400);
  });

  it("PATCH edits a fact (the old one stays as history); bad bodies are 400, cross-site 403, unknown fact 404", async () => {
    const params = { userId: String(USER) };
    assert.equal(
      (await call(profile.PATCH!, "/x", { method: "PATCH", params, body: { factId: factIds[1], text: "   " } })).status,
      400,
    );
    assert.equal(
      (await call(profile.PATCH!, "/x", { method: "PATCH", params, body: { factId: "../etc", text: "x" } })).status,
      400,
    );
    assert.equal(
      (
        await call(profile.PATCH!, "/x", {
          method: "PATCH",
          params,
          origin: "https://evil.test",
          body: { factId: factIds[1], text: "Likes oolong" },
        })
      ).status,
      403,
    );
    assert.equal(
      (await call(profile.PATCH!, "/x", { method: "PATCH", params, body: { factId: "zzz-999", text: "Likes oolong" } }))
        .status,
      404,
    );
    const res = await call(profile.PATCH!, "/x", {
      method: "PATCH",
      params,
      body: { factId: factIds[1], text: "Likes oolong tea" },
    });
    assert.equal(res.status, 200);
    const { getMemory } = await import("@/lib/app");
    const facts = (await (await getMemory()).getProfile(USER)).facts;
    assert.ok(facts.find((f) => f.id === factIds[1])!.supersededAt);
    const edited = facts.find((f) => f.text === "Likes oolong tea")!;
    assert.equal(edited.by, "admin");
  });

  it("DELETE removes one fact or all; an unknown fact is 404", async () => {
    const params = { userId: String(USER) };
    assert.equal((await call(profile.DELETE!, "/api/x?factId=zzz-999", { method: "DELETE", params })).status, 404);
    assert.equal(
      (await call(profile.DELETE!, "/api/x", { method: "DELETE", params })).status,
      400,
      "factId is required",
    );
    const one = await call(profile.DELETE!, `/api/x?factId=${factIds[0]}`, { method: "DELETE", params });
    assert.deepEqual(await one.json(), { deleted: 1 });
    const all = await call(profile.DELETE!, "/api/x?factId=all", { method: "DELETE", params });
    assert.deepEqual(await all.json(), { deleted: 1 });
    const { getMemory } = await import("@/lib/app");
    assert.equal((await (await getMemory()).getProfile(USER)).facts.filter((f) => !f.supersededAt).length, 0);
  });

  it("media: streams a Telegram file through the server with its type; unknown file 404, bad id 400, no session 401", async () => {
    tg.addFile("photo-abc", JPEG, "photos/file_1.jpg");
    const res = await call(media.GET!, "/x", { params: { fileId: "photo-abc" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/jpeg");
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), JPEG);
    assert.equal((await call(media.GET!, "/x", { params: { fileId: "no-such-file" } })).status, 404);
    assert.equal((await call(media.GET!, "/x", { params: { fileId: "../../bot" } })).status, 400);
    assert.equal((await call(media.GET!, "/x", { auth: false, params: { fileId: "photo-abc" } })).status, 401);
  });
});
