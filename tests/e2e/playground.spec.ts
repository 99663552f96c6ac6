import { PLAY, SISTER_FACT } from "./support/seed-data";
import { expect, screenshot, test } from "./support/fixtures";
import { PlaygroundPage } from "./pages/playground-page";

test("playground round trip: reply from the (fake) model next to the prompt that was built", async ({ admin }) => {
  const pg = new PlaygroundPage(admin);
  await pg.goto();
  await pg.send(PLAY.userId, "Where does my sister Maya live these days?");
  await expect(pg.replies.last()).toHaveText("You said: Where does my sister Maya live these days?", {
    timeout: 30_000,
  });
  await expect(pg.errors).toHaveCount(0);
  // Personal mode recalled the seeded fact into the prompt; the window holds the new message.
  await expect(pg.recalled.filter({ hasText: SISTER_FACT })).toHaveCount(1);
  await expect(pg.window).toContainText("Where does my sister Maya live these days?");
  await expect(admin.getByTestId("prompt-meta")).toContainText("model");
  await screenshot(admin, "playground");

  // Stored like a Telegram message: the user's timeline now ends with the turn.
  await admin.goto(`/dashboard/users/${PLAY.userId}`);
  await expect(admin.getByTestId("timeline-message").last()).toHaveText(/You said: Where does my sister Maya live/);
});
