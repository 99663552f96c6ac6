import { readFileSync } from "node:fs";
import { ALICE, CAROL, DAVE, DAVE_FACT, RAMEN_FACT } from "./support/seed-data";
import { expect, screenshot, test } from "./support/fixtures";
import { SearchPage } from "./pages/search-page";
import { UserPage } from "./pages/user-page";
import { UsersPage } from "./pages/users-page";

test("export downloads the user's data as JSON", async ({ admin }) => {
  const user = new UserPage(admin);
  await user.goto(ALICE.userId);
  const download = await user.export();
  expect(download.suggestedFilename()).toBe(`mindmate-user-${ALICE.userId}.json`);
  const data = JSON.parse(readFileSync((await download.path())!, "utf8"));
  expect(data.format).toBe("mindmate.user");
  expect(data.userId).toBe(ALICE.userId);
  expect(data.history.map((m: { content: string }) => m.content)).toContain(RAMEN_FACT);
  expect(data.memories.length).toBeGreaterThan(0);
});

test("clear empties the short-term history after confirmation; long-term memories stay", async ({ admin }) => {
  const user = new UserPage(admin);
  await user.goto(DAVE.userId);
  await expect(user.messages).toHaveCount(2);
  await user.clear();
  await expect(user.result).toContainText("cleared");
  await expect(admin.getByTestId("history-empty")).toBeVisible();
  await expect(user.memories.filter({ hasText: DAVE_FACT })).toHaveCount(1);
  await screenshot(admin, "user-cleared");
});

test("forget asks first, then deletes the user everywhere", async ({ admin }) => {
  const user = new UserPage(admin);
  await user.goto(CAROL.userId);
  await user.startForget();
  await expect(admin.getByTestId("confirm")).toContainText("cannot be undone");
  await screenshot(admin, "user-forget-confirm");
  await user.cancel();
  await expect(admin.getByTestId("confirm")).toHaveCount(0);
  await expect(user.messages).toHaveCount(2);

  await user.startForget();
  await user.confirm();
  await expect(admin).toHaveURL(/\/dashboard\/users\?forgotten=/);
  const users = new UsersPage(admin);
  await expect(users.row(CAROL.userId)).toHaveCount(0);
  await user.goto(CAROL.userId);
  await expect(admin.getByTestId("user-missing")).toBeVisible();

  const search = new SearchPage(admin);
  await search.goto();
  await search.search({ q: "vintage fountain pens", mode: "hybrid" });
  await expect(admin.locator(`[data-testid="search-hit"][data-user-id="${CAROL.userId}"]`)).toHaveCount(0);
});
