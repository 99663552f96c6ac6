import { BOB, DOG_FACT, RAMEN_FACT, ALICE } from "./support/seed-data";
import { expect, screenshot, test } from "./support/fixtures";
import { SearchPage } from "./pages/search-page";

test("search across all users finds the seeded fact with its score and links to the timeline", async ({ admin }) => {
  const search = new SearchPage(admin);
  await search.goto();
  await expect(admin.getByTestId("search-empty")).toBeVisible();
  await search.search({ q: "what food does she like", k: 5, mode: "hybrid" });
  const top = search.hits.first();
  await expect(top.getByTestId("hit-content")).toHaveText(RAMEN_FACT);
  await expect(top).toHaveAttribute("data-user-id", String(ALICE.userId));
  const score = Number(await top.getByTestId("hit-score").evaluate((el) => el.firstChild?.textContent));
  expect(score).toBeGreaterThan(0);
  await expect(admin.getByTestId("search-engine")).toHaveText(/redisearch|vectorset|scan/);
  await expect(admin.getByTestId("search-took")).toHaveText(/\d/);
  await screenshot(admin, "search", { readme: true });

  const id = await top.getAttribute("data-message-id");
  await top.getByTestId("hit-link").click();
  await expect(admin).toHaveURL(new RegExp(`/dashboard/users/${ALICE.userId}\\?focus=${id}#m-${id}`));
  await expect(admin.locator(`#m-${id}`)).toBeInViewport();
  await expect(admin.locator(`#m-${id}`)).toContainText(RAMEN_FACT);
});

test("dense search within one user, with a minimum score", async ({ admin }) => {
  const search = new SearchPage(admin);
  await search.goto();
  await search.search({ q: "pet dog", userId: BOB.userId, mode: "dense", minScore: 0.2 });
  await expect(search.hits.first().getByTestId("hit-content")).toHaveText(DOG_FACT);
  for (const uid of await search.hits.evaluateAll((els) => els.map((e) => e.getAttribute("data-user-id"))))
    expect(uid).toBe(String(BOB.userId));
  const scores = await search.hits
    .getByTestId("hit-score")
    .evaluateAll((els) => els.map((e) => Number(e.firstChild?.textContent)));
  for (const s of scores) expect(s).toBeGreaterThanOrEqual(0.2);

  await search.search({ q: "pet dog", userId: BOB.userId, mode: "dense", minScore: 0.99 });
  await expect(admin.getByTestId("search-none")).toBeVisible();
});
