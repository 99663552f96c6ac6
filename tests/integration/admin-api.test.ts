import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { FakeOpenAI } from "../fakes/openai-api";
import { startAdminEnv, stopAdminEnv } from "../helpers/admin-routes";
import { modelSkipReason } from "../helpers/embedder";
import { keysWithPrefix, testServers, uniquePrefix } from "../helpers/servers";
import { parseHistoryEntry } from "@/lib/memory/history";

/**
 * Every admin route handler, called directly with a Request: bad input → 400 naming the field
 * (before auth), no session → 401, cross-site mutation → 403, and the effect in real Redis.
 * The app singletons (runtime, memory, embedder) are configured through the environment.
 */

const server = testServers().available.find((s) => s.name === "redis-stack") ?? testServers().available[0];
const skip = !server ? "no test server URL set (run through npm test)" : modelSkipReason;

const PREFIX = uniquePrefix("admin-api");
const PASSWORD = "correct horse battery staple";
const ALICE = 5151001;
const BOB = 5151002;
const FACT = "My favourite food is spicy ramen from a tiny shop in Osaka.";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface CallOpts {
  method?: string;
  auth?: boolean;
  origin?: string;
  body?: unknown;
  rawBody?: string;
  params?: Record<string, string>;
  ip?: string;
}

let cookie = "";
async function call(handler: Handler, path: string, o: CallOpts = {}): Promise<Response> {
  const headers = new Headers({ host: "dash.test" });
  if (o.auth !== false) headers.set("cookie", cookie);
  if (o.origin) headers.set("origin", o.origin);
  if (o.ip) headers.set("x-forwarded-for", o.ip);
  if (o.body !== undefined || o.rawBody !== undefined) headers.set("content-type", "application/json");
  const req = new Request(`http://dash.test${path}`, {
    method: o.method ?? "GET",
    headers,
    body: o.rawBody ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
  });
  return handler(req, { params: Promise.resolve(o.params ?? {}) });
}

async function expectError(res: Response, status: number, code: string, mentions?: RegExp): Promise<void> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(res.status, status, JSON.stringify(body));
  assert.equal(body.error.code, code);
  if (mentions) assert.match(body.error.message, mentions);
}

describe("admin API route handlers", { skip }, () => {
  let raw: Redis;
  let fake: FakeOpenAI;
  let routes: Record<string, Record<string, Handler>>;

  before(async () => {
    ({ fake, raw, cookie } = await startAdminEnv({
      redisUrl: server!.url,
      prefix: PREFIX,
      password: PASSWORD,
      sessionSecret: "integration-secret",
    }));
    routes = {
      session: await import("@/app/api/admin/session/route"),
      users: await import("@/app/api/admin/users/route"),
      user: await import("@/app/api/admin/users/[userId]/route"),
      history: await import("@/app/api/admin/users/[userId]/history/route"),
      memories: await import("@/app/api/admin/users/[userId]/memories/route"),
      clear: await import("@/app/api/admin/users/[userId]/clear/route"),
      exportUser: await import("@/app/api/admin/users/[userId]/export/route"),
      search: await import("@/app/api/admin/search/route"),
      stats: await import("@/app/api/admin/stats/route"),
      redis: await import("@/app/api/admin/redis/route"),
      latency: await import("@/app/api/admin/latency/route"),
      playground: await import("@/app/api/admin/playground/route"),
      openapi: await import("@/app/api/openapi.json/route"),
    } as unknown as Record<string, Record<string, Handler>>;
    const { getMemory } = await import("@/lib/app");
    const memory = await getMemory();
    await memory.appendMessage({
      userId: ALICE,
      role: "user",
      content: "Hi, I just moved to Berlin.",
      profile: { firstName: "Alice", username: "alice_w" },
    });
    await memory.appendMessage({
      userId: ALICE,
      role: "assistant",
      content: "Welcome to Berlin!",
      usage: { promptTokens: 50, completionTokens: 5 },
    });
    await memory.appendMessage({ userId: ALICE, role: "user", content: FACT });
    await memory.appendMessage({
      userId: BOB,
      role: "user",
      content: "I adopted a golden retriever named Biscuit.",
      profile: { firstName: "Bob" },
    });
  });

  after(() => stopAdminEnv({ fake, raw }, PREFIX));

  it("POST /api/admin/session: 400 without a password, 401 + counted failure when wrong, cookie when right, 429 after 5 failures, 403 cross-site", async () => {
    await expectError(
      await call(routes.session!.POST!, "/api/admin/session", { method: "POST", auth: false, body: {} }),
      400,
      "bad_request:admin",
      /password/,
    );
    await expectError(
      await call(routes.session!.POST!, "/api/admin/session", { method: "POST", auth: false, rawBody: "{not json" }),
      400,
      "bad_request:admin",
      /JSON/,
    );
    await expectError(
      await call(routes.session!.POST!, "/api/admin/session", {
        method: "POST",
        auth: false,
        body: { password: "nope" },
        ip: "10.0.0.1",
      }),
      401,
      "unauthorized:auth",
      /Wrong password/,
    );
    assert.equal(await raw.get(`${PREFIX}login:fail:10.0.0.1`), "1");

    const ok = await call(routes.session!.POST!, "/api/admin/session", {
      method: "POST",
      auth: false,
      body: { password: PASSWORD },
      ip: "10.0.0.1",
    });
    assert.equal(ok.status, 200);
    const setCookie = ok.headers.get("set-cookie")!;
    assert.match(setCookie, /^mm_session=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict/);
    assert.equal(await raw.exists(`${PREFIX}login:fail:10.0.0.1`), 0, "success resets the counter");
    // The new cookie opens the API.
    const viaNewCookie = await routes.users!.GET!(
      new Request("http://dash.test/api/admin/users", { headers: { cookie: setCookie.split(";")[0]! } }),
      { params: Promise.resolve({}) },
    );
    assert.equal(viaNewCookie.status, 200);

    for (let i = 0; i < 5; i++)
      await call(routes.session!.POST!, "/api/admin/session", {
        method: "POST",
        auth: false,
        body: { password: `wrong${i}` },
        ip: "10.0.0.2",
      });
    await expectError(
      await call(routes.session!.POST!, "/api/admin/session", {
        method: "POST",
        auth: false,
        body: { password: PASSWORD },
        ip: "10.0.0.2",
      }),
      429,
      "rate_limit:auth",
      /Too many/,
    );
    const ttl = await raw.ttl(`${PREFIX}login:fail:10.0.0.2`);
    assert.ok(ttl > 0 && ttl <= 900, `window ttl ${ttl}`);

    await expectError(
      await call(routes.session!.POST!, "/api/admin/session", {
        method: "POST",
        auth: false,
        body: { password: PASSWORD },
        origin: "https://evil.example",
        ip: "10.0.0.3",
      }),
      403,
      "forbidden:auth",
    );
    const out = await call(routes.session!.DELETE!, "/api/admin/session", {
      method: "DELETE",
      auth: false,
      origin: "http://dash.test",
    });
    assert.equal(out.status, 200);
    assert.match(out.headers.get("set-cookie")!, /^mm_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict/);
  });

  it("POST /api/admin/session: each attempt is counted before the compare, so 20 parallel guesses get exactly 5 tries", async () => {
    const ip = "10.0.1.1";
    const all = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(routes.session!.POST!, "/api/admin/session", {
          method: "POST",
          auth: false,
          body: { password: `guess-${i}` },
          ip,
        }),
      ),
    );
    const statuses = all.map((r) => r.status).sort();
    assert.deepEqual(
      [statuses.filter((x) => x === 401).length, statuses.filter((x) => x === 429).length],
      [5, 15],
      statuses.join(","),
    );
    assert.equal(await raw.get(`${PREFIX}login:fail:${ip}`), "5", "refused attempts are not counted");
    // Only the address's own entry (rightmost, TRUSTED_PROXIES=1) counts: a client-chosen left part does not reset it.
    const spoofed = await call(routes.session!.POST!, "/api/admin/session", {
      method: "POST",
      auth: false,
      body: { password: PASSWORD },
      ip: `203.0.113.9, ${ip}`,
    });
    await expectError(spoofed, 429, "rate_limit:auth", /this address/);
  });

  it("POST /api/admin/session: the global budget (50 / 15 min over all addresses) pauses new addresses, not ones that logged in before", async () => {
    const { LOGIN_GLOBAL_MAX_FAILURES } = await import("@/lib/auth/throttle");
    for (const k of await keysWithPrefix(raw, `${PREFIX}login:`)) await raw.del(k);
    const known = "10.0.2.1";
    assert.equal(
      (
        await call(routes.session!.POST!, "/api/admin/session", {
          method: "POST",
          auth: false,
          body: { password: PASSWORD },
          ip: known,
        })
      ).status,
      200,
    );
    assert.equal(await raw.get(`${PREFIX}login:global`), "0", "a success gives its attempt back");
    // A botnet: every guess from a new address, in parallel.
    const guesses = await Promise.all(
      Array.from({ length: LOGIN_GLOBAL_MAX_FAILURES + 10 }, (_, i) =>
        call(routes.session!.POST!, "/api/admin/session", {
          method: "POST",
          auth: false,
          body: { password: "nope-nope" },
          ip: `198.51.100.${i}`,
        }),
      ),
    );
    assert.equal(guesses.filter((r) => r.status === 401).length, LOGIN_GLOBAL_MAX_FAILURES);
    assert.equal(guesses.filter((r) => r.status === 429).length, 10);
    assert.equal(await raw.get(`${PREFIX}login:global`), String(LOGIN_GLOBAL_MAX_FAILURES));
    await expectError(
      await call(routes.session!.POST!, "/api/admin/session", {
        method: "POST",
        auth: false,
        body: { password: PASSWORD },
        ip: "192.0.2.77",
      }),
      429,
      "rate_limit:auth",
      /new addresses/,
    );
    const admin = await call(routes.session!.POST!, "/api/admin/session", {
      method: "POST",
      auth: false,
      body: { password: PASSWORD },
      ip: known,
    });
    assert.equal(admin.status, 200, "the admin's known address still gets in");
    const ttl = await raw.ttl(`${PREFIX}login:global`);
    assert.ok(ttl > 0 && ttl <= 900, `global window ttl ${ttl}`);
    for (const k of await keysWithPrefix(raw, `${PREFIX}login:`)) await raw.del(k);
  });

  it("GET /api/admin/users: 400 on bad paging (before auth), 401 without session, lists the users index", async () => {
    await expectError(
      await call(routes.users!.GET!, "/api/admin/users?limit=9999", { auth: false }),
      400,
      "bad_request:admin",
      /limit/,
    );
    await expectError(await call(routes.users!.GET!, "/api/admin/users?sort=name"), 400, "bad_request:admin", /sort/);
    await expectError(await call(routes.users!.GET!, "/api/admin/users", { auth: false }), 401, "unauthorized:auth");
    const res = await call(routes.users!.GET!, "/api/admin/users?sort=messages&order=desc");
    const body = (await res.json()) as {
      users: { userId: number; firstName?: string; messages: number }[];
      total: number;
    };
    assert.equal(res.status, 200);
    assert.equal(body.total, await raw.zcard(`${PREFIX}users`));
    assert.deepEqual(
      body.users.map((u) => u.userId),
      [ALICE, BOB],
    );
    assert.equal(body.users[0]!.firstName, "Alice");
    const found = (await (await call(routes.users!.GET!, "/api/admin/users?q=alice")).json()) as {
      users: { userId: number }[];
    };
    assert.deepEqual(
      found.users.map((u) => u.userId),
      [ALICE],
    );
  });

  it("GET /api/admin/users/{id}: 400 on a non-numeric id, 401, settings + counts, 404 for an unknown id", async () => {
    await expectError(
      await call(routes.user!.GET!, "/api/admin/users/abc", { params: { userId: "abc" }, auth: false }),
      400,
      "bad_request:admin",
      /userId/,
    );
    await expectError(
      await call(routes.user!.GET!, `/api/admin/users/${ALICE}`, { params: { userId: String(ALICE) }, auth: false }),
      401,
      "unauthorized:auth",
    );
    const res = await call(routes.user!.GET!, `/api/admin/users/${ALICE}`, { params: { userId: String(ALICE) } });
    const body = (await res.json()) as {
      settings: { firstName: string; messages: number };
      historyLength: number;
      memories: number;
    };
    assert.equal(res.status, 200);
    assert.equal(body.settings.firstName, "Alice");
    assert.equal(body.historyLength, await raw.llen(`${PREFIX}h:${ALICE}`));
    assert.ok(body.memories >= 3, `memories ${body.memories}`);
    await expectError(
      await call(routes.user!.GET!, "/api/admin/users/777", { params: { userId: "777" } }),
      404,
      "not_found:admin",
    );
  });

  it("GET history and memories: 400 on bad paging, 401, pages oldest-first history and newest-first memories", async () => {
    const p = { userId: String(ALICE) };
    await expectError(
      await call(routes.history!.GET!, `/api/admin/users/${ALICE}/history?before=zz`, { params: p }),
      400,
      "bad_request:admin",
      /before/,
    );
    await expectError(
      await call(routes.history!.GET!, `/api/admin/users/${ALICE}/history`, { params: p, auth: false }),
      401,
      "unauthorized:auth",
    );
    const page = (await (
      await call(routes.history!.GET!, `/api/admin/users/${ALICE}/history?limit=2`, { params: p })
    ).json()) as { messages: { id: string; content: string }[]; hasMore: boolean };
    assert.equal(page.messages.length, 2);
    assert.equal(page.hasMore, true);
    assert.equal(page.messages[1]!.content, FACT, "newest last");
    const older = (await (
      await call(routes.history!.GET!, `/api/admin/users/${ALICE}/history?limit=2&before=${page.messages[0]!.id}`, {
        params: p,
      })
    ).json()) as { messages: { content: string }[]; hasMore: boolean };
    assert.deepEqual(
      older.messages.map((m) => m.content),
      ["Hi, I just moved to Berlin."],
    );
    assert.equal(older.hasMore, false);

    await expectError(
      await call(routes.memories!.GET!, `/api/admin/users/${ALICE}/memories?offset=-1`, { params: p }),
      400,
      "bad_request:admin",
      /offset/,
    );
    await expectError(
      await call(routes.memories!.GET!, `/api/admin/users/${ALICE}/memories`, { params: p, auth: false }),
      401,
      "unauthorized:auth",
    );
    const mem = (await (
      await call(routes.memories!.GET!, `/api/admin/users/${ALICE}/memories?limit=1`, { params: p })
    ).json()) as { items: { content: string }[]; total: number };
    assert.equal(mem.items.length, 1);
    assert.equal(mem.items[0]!.content, FACT);
    assert.ok(mem.total >= 3);
  });

  it("GET /api/admin/search: 400 without q or with k=0, 401, finds the fact with its score", async () => {
    await expectError(await call(routes.search!.GET!, "/api/admin/search"), 400, "bad_request:admin", /q/);
    await expectError(await call(routes.search!.GET!, "/api/admin/search?q=food&k=0"), 400, "bad_request:admin", /k/);
    await expectError(
      await call(routes.search!.GET!, "/api/admin/search?q=food&mode=fuzzy"),
      400,
      "bad_request:admin",
      /mode/,
    );
    await expectError(
      await call(routes.search!.GET!, "/api/admin/search?q=food", { auth: false }),
      401,
      "unauthorized:auth",
    );
    const res = await call(
      routes.search!.GET!,
      "/api/admin/search?q=which%20dish%20does%20she%20love&k=3&mode=dense&userId=",
    );
    const body = (await res.json()) as {
      hits: { content: string; score: number; userId: number }[];
      engine: string;
      tookMs: number;
    };
    assert.equal(res.status, 200);
    assert.equal(body.hits[0]!.content, FACT);
    assert.equal(body.hits[0]!.userId, ALICE);
    assert.ok(body.hits[0]!.score > 0.2 && body.hits[0]!.score <= 1, `score ${body.hits[0]!.score}`);
    assert.equal(body.engine, server!.engine);
    const bobOnly = (await (
      await call(routes.search!.GET!, `/api/admin/search?q=ramen&userId=${BOB}&mode=dense`)
    ).json()) as { hits: { userId: number }[] };
    assert.ok(bobOnly.hits.every((h) => h.userId === BOB));
  });

  it("GET stats / redis / latency / openapi.json: 401 without session, real numbers with one", async () => {
    for (const [h, path] of [
      [routes.stats!.GET!, "/api/admin/stats"],
      [routes.redis!.GET!, "/api/admin/redis"],
      [routes.latency!.GET!, "/api/admin/latency"],
      [routes.openapi!.GET!, "/api/openapi.json"],
    ] as const) {
      await expectError(await call(h, path, { auth: false }), 401, "unauthorized:auth");
    }
    const stats = (await (await call(routes.stats!.GET!, "/api/admin/stats")).json()) as {
      totals: { users: number; memories: number; promptTokens: number };
      bytesPerMessage: { keys: number | null; usedMemory: number | null };
      redisMemory: { usedBytes: number };
    };
    assert.equal(stats.totals.users, await raw.zcard(`${PREFIX}users`));
    assert.ok(stats.totals.memories >= 4);
    assert.equal(stats.totals.promptTokens, 50);
    assert.ok(stats.redisMemory.usedBytes > 0);
    assert.ok(stats.bytesPerMessage.keys! > 0, "bytes per message from sampled MEMORY USAGE");

    const report = (await (await call(routes.redis!.GET!, "/api/admin/redis")).json()) as {
      keyspace: { namespaces: { namespace: string; keys: number }[] };
      info: Record<string, unknown>;
    };
    const h = report.keyspace.namespaces.find((n) => n.namespace === "h")!;
    assert.equal(h.keys, (await keysWithPrefix(raw, `${PREFIX}h:`)).length);
    assert.ok(report.info.memory);

    await expectError(await call(routes.latency!.GET!, "/api/admin/latency?op=sleep"), 400, "bad_request:admin", /op/);
    await expectError(
      await call(routes.latency!.GET!, "/api/admin/latency?range=7d"),
      400,
      "bad_request:admin",
      /range/,
    );
    const { flushMetrics } = await import("@/lib/metrics");
    await flushMetrics();
    const lat = (await (await call(routes.latency!.GET!, "/api/admin/latency?range=1h")).json()) as {
      series: { op: string; total: { count: number; p50?: number }; points: unknown[] }[];
    };
    assert.deepEqual(
      lat.series.map((s) => s.op),
      ["append", "history", "recall", "embed", "llm", "webhook"],
    );
    const append = lat.series.find((s) => s.op === "append")!;
    assert.ok(append.total.count >= 4, `append count ${append.total.count}`);
    assert.ok(append.total.p50! > 0);
    assert.equal(append.points.length, 60);

    const doc = (await (await call(routes.openapi!.GET!, "/api/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    assert.match(doc.openapi, /^3\.0/);
    assert.ok(doc.paths["/api/admin/users/{userId}/export"]);
  });

  it("GET export: 400 on a bad flag, 401, the user's data as a JSON attachment", async () => {
    const p = { userId: String(ALICE) };
    await expectError(
      await call(routes.exportUser!.GET!, `/api/admin/users/${ALICE}/export?vectors=yes`, { params: p }),
      400,
      "bad_request:admin",
      /vectors/,
    );
    await expectError(
      await call(routes.exportUser!.GET!, `/api/admin/users/${ALICE}/export`, { params: p, auth: false }),
      401,
      "unauthorized:auth",
    );
    const res = await call(routes.exportUser!.GET!, `/api/admin/users/${ALICE}/export`, { params: p });
    assert.equal(res.status, 200);
    assert.match(
      res.headers.get("content-disposition")!,
      new RegExp(`attachment; filename="mindmate-user-${ALICE}.json"`),
    );
    const data = (await res.json()) as { format: string; userId: number; history: { content: string }[] };
    assert.equal(data.format, "mindmate.user");
    assert.equal(data.userId, ALICE);
    assert.ok(data.history.some((m) => m.content === FACT));
  });

  it("POST playground: 400 without text, 401, 403 cross-site, a full turn through the pipeline stored in Redis", async () => {
    const PLAY = 5151009;
    await expectError(
      await call(routes.playground!.POST!, "/api/admin/playground", { method: "POST", body: { userId: PLAY } }),
      400,
      "bad_request:admin",
      /text/,
    );
    await expectError(
      await call(routes.playground!.POST!, "/api/admin/playground", {
        method: "POST",
        body: { userId: PLAY, text: "hi" },
        auth: false,
      }),
      401,
      "unauthorized:auth",
    );
    await expectError(
      await call(routes.playground!.POST!, "/api/admin/playground", {
        method: "POST",
        body: { userId: PLAY, text: "hi" },
        origin: "https://evil.example",
      }),
      403,
      "forbidden:auth",
    );
    assert.equal(await raw.exists(`${PREFIX}h:${PLAY}`), 0, "refused requests store nothing");

    const res = await call(routes.playground!.POST!, "/api/admin/playground", {
      method: "POST",
      body: { userId: PLAY, text: "Hello playground", personal: true },
      origin: "http://dash.test",
    });
    const body = (await res.json()) as {
      reply: string;
      prompt: { window: { content: string }[]; messages: unknown[] };
      replyMessageId: string;
    };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.reply, "You said: Hello playground");
    assert.ok(body.prompt.window.some((m) => m.content === "Hello playground"));
    assert.equal(fake.chatRequests().at(-1)!.messages.at(-1)!.content, "Hello playground");
    const stored = (await raw.lrange(`${PREFIX}h:${PLAY}`, 0, -1)).map((s) => parseHistoryEntry(s)!);
    assert.deepEqual(stored.map((m) => m.content).sort(), ["Hello playground", "You said: Hello playground"]);
    assert.ok(stored.some((m) => m.id === body.replyMessageId));
  });

  it("POST clear: 400, 401, 403 cross-site (nothing changes), then empties the history and keeps memories", async () => {
    const p = { userId: String(BOB) };
    await expectError(
      await call(routes.clear!.POST!, "/api/admin/users/x/clear", { method: "POST", params: { userId: "1.5" } }),
      400,
      "bad_request:admin",
      /userId/,
    );
    await expectError(
      await call(routes.clear!.POST!, `/api/admin/users/${BOB}/clear`, { method: "POST", params: p, auth: false }),
      401,
      "unauthorized:auth",
    );
    await expectError(
      await call(routes.clear!.POST!, `/api/admin/users/${BOB}/clear`, {
        method: "POST",
        params: p,
        origin: "https://evil.example",
      }),
      403,
      "forbidden:auth",
    );
    assert.equal(await raw.llen(`${PREFIX}h:${BOB}`), 1);
    const res = await call(routes.clear!.POST!, `/api/admin/users/${BOB}/clear`, {
      method: "POST",
      params: p,
      origin: "http://dash.test",
    });
    assert.equal(res.status, 200);
    assert.equal(await raw.llen(`${PREFIX}h:${BOB}`), 0);
    const mem = (await (
      await call(routes.memories!.GET!, `/api/admin/users/${BOB}/memories`, { params: p })
    ).json()) as { total: number };
    assert.equal(mem.total, 1, "long-term memory stays");
  });

  it("DELETE user (forget): 400, 401, 403 cross-site, then no key or index entry of the user is left", async () => {
    const p = { userId: String(BOB) };
    await expectError(
      await call(routes.user!.DELETE!, "/api/admin/users/0", { method: "DELETE", params: { userId: "0" } }),
      400,
      "bad_request:admin",
      /userId/,
    );
    await expectError(
      await call(routes.user!.DELETE!, `/api/admin/users/${BOB}`, { method: "DELETE", params: p, auth: false }),
      401,
      "unauthorized:auth",
    );
    await expectError(
      await call(routes.user!.DELETE!, `/api/admin/users/${BOB}`, {
        method: "DELETE",
        params: p,
        origin: "https://evil.example",
      }),
      403,
      "forbidden:auth",
    );
    assert.notEqual(await raw.zscore(`${PREFIX}users`, String(BOB)), null);
    await raw.set(`${PREFIX}rl:${BOB}`, "3", "PX", 60_000); // the bot's rate-limit window: the same forget as /forget removes it
    const res = await call(routes.user!.DELETE!, `/api/admin/users/${BOB}`, { method: "DELETE", params: p });
    assert.equal(res.status, 200);
    assert.equal(await raw.zscore(`${PREFIX}users`, String(BOB)), null);
    assert.deepEqual(
      (await keysWithPrefix(raw, PREFIX)).filter((k) => k.endsWith(`:${BOB}`)),
      [],
    );
    const search = (await (
      await call(routes.search!.GET!, "/api/admin/search?q=golden%20retriever&mode=hybrid")
    ).json()) as { hits: { userId: number }[] };
    assert.ok(search.hits.every((h) => h.userId !== BOB));
    await expectError(await call(routes.user!.GET!, `/api/admin/users/${BOB}`, { params: p }), 404, "not_found:admin");
  });
});
