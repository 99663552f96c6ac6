import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { callRoute, errorOf, HOST, loadAdminRoutes, type AdminRoute, type RequestSpec } from "../helpers/admin-routes";

/**
 * Redis down (a port nothing listens on): every admin route that needs Redis answers the
 * documented 503 with a typed code — latency and the Redis report read Redis directly, so raw
 * ioredis errors must be mapped too. Routes that do not need Redis keep working (the login
 * throttle counts in memory meanwhile, so an outage does not open the door to guessing).
 */

const PASSWORD = "redis-down-password-0123";

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe("admin API with Redis down", () => {
  let routes: AdminRoute[];
  let cookie = "";

  before(async () => {
    Object.assign(process.env, {
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
      REDIS_PREFIX: "test:redis-down:",
      REDIS_CONNECT_TIMEOUT_MS: "300",
      REDIS_COMMAND_TIMEOUT_MS: "300",
      ADMIN_PASSWORD: PASSWORD,
      SESSION_SECRET: "redis-down-secret",
      OPENAI_API_KEY: "sk-fake",
      OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
      TELEGRAM_BOT_TOKEN: "",
      EMBEDDING_PROVIDER: "openai",
      LOG_LEVEL: "error",
    });
    const { createSessionToken } = await import("@/lib/auth/session");
    cookie = `mm_session=${await createSessionToken()}`;
    routes = await loadAdminRoutes();
  });

  after(async () => {
    const { getRuntime } = await import("@/lib/app");
    getRuntime().redis.disconnect();
  });

  const valid: { name: string; method: RequestSpec["method"]; query?: Record<string, string>; body?: unknown }[] = [
    { name: "users", method: "GET" },
    { name: "user", method: "GET" },
    { name: "user", method: "DELETE" },
    { name: "history", method: "GET" },
    { name: "memories", method: "GET" },
    { name: "clear", method: "POST" },
    { name: "export", method: "GET" },
    { name: "search", method: "GET", query: { q: "anything" } },
    { name: "stats", method: "GET" },
    { name: "redis", method: "GET" },
    { name: "latency", method: "GET" },
    { name: "latency", method: "GET", query: { range: "24h", op: "recall" } },
  ];

  for (const v of valid) {
    it(`${v.method} ${v.name}${v.query ? `?${new URLSearchParams(v.query)}` : ""} → 503 unavailable:redis`, async () => {
      const route = routes.find((r) => r.name === v.name)!;
      const res = await callRoute(route.module[v.method]!, {
        method: v.method,
        path: route.path,
        params: { userId: "424242" },
        query: v.query,
        cookie,
        origin: `http://${HOST}`,
      });
      const err = await errorOf(res);
      assert.equal(res.status, 503, err.message);
      assert.equal(err.code, "unavailable:redis");
      assert.match(err.message, /Redis/);
    });
  }

  it("POST playground → 503 (Redis or the model, never a 500)", async () => {
    const route = routes.find((r) => r.name === "playground")!;
    const res = await callRoute(route.module.POST!, {
      method: "POST",
      path: route.path,
      cookie,
      contentType: "application/json",
      body: JSON.stringify({ userId: 999000001, text: "hello?" }),
    });
    const err = await errorOf(res);
    assert.equal(res.status, 503, `${err.code}: ${err.message}`);
  });

  it("input errors are still 400s, the OpenAPI document and log in/out still work, wrong passwords are still throttled", async () => {
    const user = routes.find((r) => r.name === "user")!;
    assert.equal(
      (await callRoute(user.module.GET!, { method: "GET", path: user.path, params: { userId: "-1" }, cookie })).status,
      400,
    );
    const doc = routes.find((r) => r.name === "openapi")!;
    assert.equal((await callRoute(doc.module.GET!, { method: "GET", path: doc.path, cookie })).status, 200);
    const session = routes.find((r) => r.name === "session")!;
    const login = (password: string) =>
      callRoute(session.module.POST!, {
        method: "POST",
        path: session.path,
        ip: "192.0.2.10",
        contentType: "application/json",
        body: JSON.stringify({ password }),
      });
    assert.equal((await login(PASSWORD)).status, 200);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await login(`wrong-${i}`)).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
  });
});
