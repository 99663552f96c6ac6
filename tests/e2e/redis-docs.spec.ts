import { expect, screenshot, test } from "./support/fixtures";

test("Redis page: keyspace by namespace, INFO, SLOWLOG and the vector index", async ({ admin }) => {
  await admin.goto("/dashboard/redis");
  await expect(admin.getByTestId("keyspace-table")).toBeVisible();
  await expect(admin.getByTestId("ns-h")).toContainText(/\d/); // short-term history lists
  await expect(admin.getByTestId("ns-u")).toBeVisible(); // settings hashes
  await expect(admin.getByTestId("ns-metrics:append")).toBeVisible();
  await expect(admin.getByTestId("info-memory")).toContainText("used_memory_human");
  await expect(admin.getByTestId("redis-slowlog")).toBeVisible();
  await expect(admin.getByTestId("redis-index")).toBeVisible();
  await expect(admin.getByTestId("redis-ttl")).toContainText(/day|expiry|hour/);
  await screenshot(admin, "redis");
});

test("API docs page and /api/openapi.json describe every admin route", async ({ admin }) => {
  const res = await admin.request.get("/api/openapi.json");
  expect(res.status()).toBe(200);
  const doc = await res.json();
  expect(doc.openapi).toMatch(/^3\./);
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining([
      "/api/admin/users",
      "/api/admin/search",
      "/api/admin/playground",
      "/api/admin/users/{userId}/export",
    ]),
  );

  await admin.goto("/docs");
  const ops = admin.getByTestId("docs-operation");
  const documented = Object.values(doc.paths as Record<string, object>).reduce(
    (n, methods) => n + Object.keys(methods).length,
    0,
  );
  await expect(ops).toHaveCount(documented);
  await expect(admin.locator('[data-testid="docs-operation"][data-path="/api/admin/search"]')).toContainText(
    "minScore",
  );
  await screenshot(admin, "docs");
});
