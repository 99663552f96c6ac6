import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import type { Redis } from "ioredis";
import { FakeOpenAI } from "../fakes/openai-api";
import {
  type AdminRoute,
  callRoute,
  errorOf,
  HOST,
  loadAdminRoutes,
  type RequestSpec,
  startAdminEnv,
  stopAdminEnv,
} from "../helpers/admin-routes";
import { modelSkipReason } from "../helpers/embedder";
import { keysWithPrefix, testServers, uniquePrefix } from "../helpers/servers";

/**
 * Property-based: every admin route handler (called in-process, real Redis, real model, fake
 * OpenAI) gets generated methods, path ids, query strings, bodies (JSON, arbitrary bytes, wrong
 * content types, oversized) with and without a session or a same-origin header. Whatever
 * comes in: never a 5xx, every error has a typed code and a message, and a rejected request
 * (4xx) leaves the keyspace under the test prefix exactly as it was. The only keys a rejected
 * request may touch are the login throttle's (counting wrong passwords is its job) and the
 * metrics (written by a background flush).
 */

const server = testServers().available.find((s) => s.name === "redis-stack") ?? testServers().available[0];
const skip = !server ? "no test server URL set (run through npm test)" : modelSkipReason;

const PREFIX = uniquePrefix("admin-prop");
const PASSWORD = "property-based-password-0123";
const ALICE = 5252001;
const PLAY = 5252009;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

/** Keys a rejected request may change: see the header comment. */
const mayChange = (key: string) => key.startsWith(`${PREFIX}metrics:`) || key.startsWith(`${PREFIX}login:`);

// ---- generators ----
const edgeText = fc.constantFrom(
  "",
  " ",
  "-1",
  "0",
  "1",
  "-0",
  "+1",
  "1.5",
  "1e3",
  "0x10",
  "NaN",
  "Infinity",
  "-Infinity",
  "null",
  "[]",
  "{}",
  "9007199254740991",
  "9007199254740992",
  "-9007199254740991",
  "99999999999999999999999",
  "%",
  "%zz",
  "\u0000",
  "\ud800",
  "'; DROP",
  "../../etc",
  "a".repeat(5000),
  "lastActive",
  "messages",
  "userId",
  "asc",
  "desc",
  "dense",
  "lexical",
  "hybrid",
  "1h",
  "24h",
  "append",
  "recall",
  "webhook",
  String(ALICE),
  "mbx1k2f3a-0000k3j9zq",
);
const text = fc.oneof(
  { weight: 3, arbitrary: edgeText },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 2, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.bigInt().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
);
const queryKeys = fc.constantFrom(
  "q",
  "sort",
  "order",
  "offset",
  "limit",
  "before",
  "vectors",
  "userId",
  "k",
  "minScore",
  "mode",
  "op",
  "range",
  "junk",
);
// Half junk, half valid values (so requests also get past validation into the handlers).
const validQuery = fc
  .record(
    {
      q: fc.constantFrom("tomatoes", "balcony Lisbon", "ali"),
      sort: fc.constantFrom("lastActive", "messages", "userId"),
      order: fc.constantFrom("asc", "desc"),
      offset: fc.nat(5).map(String),
      limit: fc.integer({ min: 1, max: 50 }).map(String),
      k: fc.integer({ min: 1, max: 20 }).map(String),
      minScore: fc.double({ min: 0, max: 1, noNaN: true }).map(String),
      mode: fc.constantFrom("dense", "lexical", "hybrid"),
      range: fc.constantFrom("1h", "24h"),
      vectors: fc.constantFrom("0", "1"),
      userId: fc.constant(String(ALICE)),
    },
    { requiredKeys: [] },
  )
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, string>);
const query = fc.oneof(fc.dictionary(queryKeys, text, { maxKeys: 5 }), validQuery);
const userIdParam = fc.oneof(
  text,
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).map(String),
  fc.constant(String(PLAY)),
);

const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    {
      userId: fc.oneof(
        fc.integer(),
        fc.double(),
        fc.string(),
        fc.constant(PLAY),
        fc.constant(-PLAY),
        fc.constant(0),
        fc.constant(2 ** 53),
      ),
      text: fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.constant("hello there"),
        fc.constant(" "),
        fc.constant("x".repeat(4001)),
      ),
      personal: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 1 })),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      password: fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.jsonValue({ maxDepth: 1 }),
        fc.constant("p".repeat(1025)),
        fc.constant(""),
      ),
    },
    { requiredKeys: [] },
  ),
);
const body = fc.oneof(
  { weight: 4, arbitrary: jsonBody.map((v) => JSON.stringify(v) ?? "null") },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
  { weight: 1, arbitrary: fc.constant(JSON.stringify({ userId: PLAY, text: "y".repeat(70_000) })) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        userId: fc.constant(PLAY),
        text: fc.constantFrom("hello there", "what do I grow?"),
        personal: fc.boolean(),
      })
      .map((v) => JSON.stringify(v)),
  },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).map((password) => JSON.stringify({ password })) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const contentType = fc.constantFrom(
  undefined,
  "application/json",
  "application/json",
  "application/json",
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/jsonx",
);
const method = fc.constantFrom("GET", "POST", "PATCH", "DELETE") as fc.Arbitrary<RequestSpec["method"]>;

interface Case {
  method: RequestSpec["method"];
  userId: string;
  query: Record<string, string>;
  body: string | Uint8Array | undefined;
  contentType?: string;
  auth: boolean;
  origin?: string;
  ip: string;
}
const requestCase: fc.Arbitrary<Case> = fc.record({
  method,
  userId: userIdParam,
  query,
  body,
  contentType,
  auth: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  origin: fc.constantFrom(undefined, undefined, `http://${HOST}`, "https://evil.example", "null"),
  ip: fc.ipV4(),
});

describe("admin API: property-based input hardening", { skip }, () => {
  let raw: Redis;
  let fake: FakeOpenAI;
  let routes: AdminRoute[];
  let cookie = "";

  before(async () => {
    ({ fake, raw, cookie } = await startAdminEnv({
      redisUrl: server!.url,
      prefix: PREFIX,
      password: PASSWORD,
      sessionSecret: "property-secret",
    }));
    routes = await loadAdminRoutes();
    const { getMemory } = await import("@/lib/app");
    const memory = await getMemory();
    await memory.appendMessage({
      userId: ALICE,
      role: "user",
      content: "I grow tomatoes on my balcony in Lisbon.",
      profile: { firstName: "Alice" },
    });
    await memory.appendMessage({ userId: ALICE, role: "assistant", content: "Lovely, which variety?" });
  });

  after(() => stopAdminEnv({ fake, raw }, PREFIX));

  const snapshot = async () => new Set((await keysWithPrefix(raw, PREFIX)).filter((k) => !mayChange(k)));

  const statuses = new Map<string, Map<number, number>>();
  async function check(route: AdminRoute, c: Case): Promise<void> {
    const handler = route.module[c.method];
    if (!handler) return; // Next.js answers 405 for methods a route does not export
    const before = await snapshot();
    const res = await callRoute(handler, {
      method: c.method,
      path: route.path,
      params: route.path.includes("{userId}") ? { userId: c.userId } : undefined,
      query: c.query,
      cookie: c.auth ? cookie : undefined,
      origin: c.origin,
      ip: c.ip,
      contentType: c.contentType,
      body: c.body as BodyInit | undefined,
    });
    const label = `${c.method} ${route.path} → ${res.status}`;
    const seen = statuses.get(route.name) ?? new Map<number, number>();
    seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
    statuses.set(route.name, seen);
    if (res.status >= 500) assert.fail(`${label}: ${await res.text()}`);
    if (res.status >= 400) {
      await errorOf(res); // typed code + message
      const after = await snapshot();
      assert.deepEqual(
        [...after].filter((k) => !before.has(k)),
        [],
        `${label}: a rejected request stored keys`,
      );
      assert.deepEqual(
        [...before].filter((k) => !after.has(k)),
        [],
        `${label}: a rejected request deleted keys`,
      );
    } else {
      await res.arrayBuffer();
    }
  }

  for (const name of [
    "session",
    "users",
    "user",
    "history",
    "memories",
    "clear",
    "export",
    "search",
    "stats",
    "redis",
    "latency",
    "playground",
    "openapi",
  ]) {
    it(`${name}: never a 5xx, a rejected request stores nothing`, async (t) => {
      const route = routes.find((r) => r.name === name)!;
      await fc.assert(
        fc.asyncProperty(requestCase, (c) => check(route, c)),
        { numRuns: RUNS, endOnFailure: true },
      );
      t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries([...(statuses.get(name) ?? [])].sort()))}`);
    });
  }

  it("path ids the memory layer rejects are 400s with the rule, on every user route and ?userId=", async () => {
    const bad = ["-1", "-5151001", "0", "1.5", "9007199254740992", "abc", "", "1e3", "0x10"];
    for (const route of routes.filter((r) => r.path.includes("{userId}"))) {
      for (const m of ["GET", "POST", "DELETE"] as const) {
        const h = route.module[m];
        if (!h) continue;
        for (const id of bad) {
          const res = await callRoute(h, { method: m, path: route.path, params: { userId: id }, cookie });
          const err = await errorOf(res);
          assert.equal(res.status, 400, `${m} ${route.path} userId=${JSON.stringify(id)}: ${err.message}`);
          assert.match(err.message, /userId/);
        }
      }
    }
    const search = routes.find((r) => r.name === "search")!.module.GET!;
    for (const id of bad.filter((b) => b !== "")) {
      const res = await callRoute(search, {
        method: "GET",
        path: "/api/admin/search",
        query: { q: "tomatoes", userId: id },
        cookie,
      });
      assert.equal(res.status, 400, `search userId=${id}`);
    }
  });

  it("the playground answers 503 (not 500) when the model API is unreachable", async () => {
    await fake.close();
    const h = routes.find((r) => r.name === "playground")!.module.POST!;
    const res = await callRoute(h, {
      method: "POST",
      path: "/api/admin/playground",
      cookie,
      contentType: "application/json",
      body: JSON.stringify({ userId: PLAY, text: "anyone there?" }),
    });
    const err = await errorOf(res);
    assert.equal(res.status, 503, err.message);
    assert.equal(err.code, "unavailable:llm");
  });
});
