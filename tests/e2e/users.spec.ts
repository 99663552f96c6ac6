import { ALICE, CONVERSATIONS, RAMEN_FACT } from "./support/seed-data";
import { expect, screenshot, test } from "./support/fixtures";
import { UserPage } from "./pages/user-page";
import { UsersPage } from "./pages/users-page";

test("users list: paginated, searchable, sortable; a user's history, settings and memories", async ({ admin }) => {
  const users = new UsersPage(admin);
  await users.goto();
  await expect(users.rows).toHaveCount(25);
  await expect(admin.getByTestId("pager-range")).toContainText(/1–25 of \d+/);
  await screenshot(admin, "users");
  await admin.getByTestId("pager-next").click();
  await expect(admin).toHaveURL(/offset=25/);
  expect(await users.rows.count()).toBeGreaterThanOrEqual(CONVERSATIONS.length - 25 - 2);

  await admin.getByTestId("sort-messages").click();
  await expect(admin).toHaveURL(/sort=messages/);
  // Alice has the most messages: first when sorted by messages, descending.
  await expect(users.rows.first()).toHaveAttribute("data-testid", `user-row-${ALICE.userId}`);

  await users.search("alice");
  await expect(users.rows).toHaveCount(1);
  await expect(users.row(ALICE.userId)).toContainText("@alice_w");

  await users.openUser(ALICE.userId);
  const user = new UserPage(admin);
  await expect(admin.getByTestId("user-header")).toContainText("Alice");
  const seeded = CONVERSATIONS.find((c) => c.user.userId === ALICE.userId)!.messages;
  await expect(user.messages).toHaveCount(seeded.length);
  const ramen = user.messages.filter({ hasText: RAMEN_FACT });
  await expect(ramen).toHaveAttribute("data-role", "user");
  await expect(ramen).toHaveAttribute("id", /^m-/);
  // Oldest first, with dates.
  await expect(user.messages.first()).toContainText("moved to Berlin");
  await expect(user.messages.first()).toContainText("UTC");
  await expect(admin.getByTestId("setting-personal")).toHaveText("on");
  await expect(user.memories.filter({ hasText: RAMEN_FACT })).toHaveCount(1);
  await screenshot(admin, "user");
});
