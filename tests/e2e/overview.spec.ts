import { CONVERSATIONS } from "./support/seed-data";
import { expect, screenshot, test } from "./support/fixtures";
import { OverviewPage } from "./pages/overview-page";

test("overview shows health, totals, Redis memory and latency charts", async ({ admin }) => {
  const o = new OverviewPage(admin);
  await o.goto();
  await expect(admin.getByTestId("health-status")).toHaveText(/ok|degraded/);
  await expect(admin.getByTestId("health-rtt-value")).toContainText("ms");
  await expect(admin.getByTestId("health-engine-value")).toHaveText(/redisearch|vectorset|scan/);

  // Other specs add and remove users; the seed alone has this many.
  expect(await o.statNumber("users")).toBeGreaterThanOrEqual(CONVERSATIONS.length - 2);
  expect(await o.statNumber("messages")).toBeGreaterThan(0);
  expect(await o.statNumber("memories")).toBeGreaterThan(0);
  expect(await o.statNumber("tokens")).toBeGreaterThan(0);
  await expect(o.stat("used-memory")).toHaveText(/\d+(\.\d)? (B|KB|MB|GB)/);
  await expect(o.stat("bytes-per-message")).toHaveText(/\d+(\.\d)? (B|KB|MB)/);
  // Memory budget card: gauge, used / budget / maxmemory, projection, trimmed counts.
  await expect(admin.getByTestId("budget-gauge")).toBeVisible();
  await expect(admin.getByTestId("budget-used")).toContainText(/\d+(\.\d)? (B|KB|MB|GB)/);
  await expect(admin.getByTestId("budget-budget")).toContainText(/off|\d+(\.\d)? (KB|MB|GB)/);
  await expect(admin.getByTestId("budget-projection")).toContainText(/days|not growing|—/);
  await expect(admin.getByTestId("budget-trimmed")).toContainText(/\d/);

  // The seed's own appends/recalls were timed and recorded in Redis.
  for (const op of ["append", "recall", "embed", "history"]) {
    await expect(o.chart(op)).toHaveAttribute("data-has-data", "true");
    await expect(o.chart(op).locator(".recharts-wrapper")).toBeVisible();
    await expect(o.chart(op).locator("path.recharts-line-curve, .recharts-line-dots")).not.toHaveCount(0);
    await expect(o.latencyRow(op)).toContainText(/\d+(\.\d+)? (µs|ms|s)/);
  }
  await screenshot(admin, "overview", { readme: true });

  await admin.getByTestId("latency-range-24h").click();
  await expect(admin).toHaveURL(/range=24h/);
  await expect(o.chart("append")).toHaveAttribute("data-has-data", "true");
  await screenshot(admin, "overview-24h");
});
