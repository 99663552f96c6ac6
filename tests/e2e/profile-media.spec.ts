import { expect, screenshot, test } from "./support/fixtures";
import { EVE, EVE_PHOTO_TEXT, EVE_VOICE_TEXT } from "./support/seed-media";

test("a user's profile with provenance, edited and deleted; a timeline with a voice transcript and a photo", async ({
  admin,
}) => {
  await admin.goto(`/dashboard/users/${EVE.userId}`);
  const profile = admin.getByTestId("user-profile");
  await expect(profile.getByTestId("profile-fact")).toHaveCount(2);
  await expect(profile.getByTestId("profile-fact-text")).toHaveText(["Lives in Bergen", "Has a cat named Miso"]);
  await expect(profile.getByTestId("profile-history")).toContainText("Lives in Oslo");

  // The timeline: the voice message shows as a transcript, the photo as a thumbnail the browser decoded.
  const voice = admin.getByTestId("timeline-message").filter({ hasText: EVE_VOICE_TEXT });
  await expect(voice.getByTestId("timeline-voice")).toContainText("🎤 transcript (6 s)");
  const photo = admin.getByTestId("timeline-message").filter({ hasText: EVE_PHOTO_TEXT });
  const img = photo.getByTestId("timeline-photo");
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(96);
  expect(await img.getAttribute("src")).not.toContain("bot"); // no token-bearing Telegram URL

  // Provenance: the cat fact links to the photo message in the timeline.
  const cat = profile.getByTestId("profile-fact").filter({ hasText: "Miso" });
  const photoId = await photo.getAttribute("data-message-id");
  await expect(cat.getByTestId("profile-source")).toHaveAttribute("href", new RegExp(`focus=${photoId}#m-${photoId}$`));
  await screenshot(admin, "user-profile-media");

  // Edit: the new text is current, the old one joins the history.
  await profile.getByTestId("profile-fact").filter({ hasText: "Bergen" }).getByTestId("profile-edit").click();
  await profile.getByTestId("profile-edit-input").fill("Lives in Trondheim");
  await profile.getByTestId("profile-edit-save").click();
  await expect(profile.getByTestId("profile-fact-text")).toContainText(["Has a cat named Miso", "Lives in Trondheim"]);
  await expect(profile.getByTestId("profile-history")).toContainText("Lives in Bergen");

  // Delete: gone from the current facts, kept as history.
  await cat.getByTestId("profile-delete").click();
  await expect(profile.getByTestId("profile-fact")).toHaveCount(1);
  await expect(profile.getByTestId("profile-past-fact").filter({ hasText: "Has a cat named Miso" })).toContainText(
    "deleted",
  );
});
